using System.CommandLine;
using System.Globalization;
using NativeDsp.Kernels;
using NativeDsp.Kernels.Pruning;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp topk</c>: one head-mask relaxation on given logits, and the gradient of
/// sum_h c_h mask_h with respect to each logit, as CSV. The tool for studying the pruning math without a
/// model: it runs the same kernels as training.
/// </summary>
public static class TopKCommand
{
    public enum Method { Dsp, Ste, Concrete }

    public sealed record Options(float[] Logits, int? K, double? Tau, ulong? NoiseSeed, float[] Upstream, Method Method, DeviceChoice? Device);

    public sealed record Row(int Head, float Logit, float Noise, float Mask, float Grad);

    public static Command Create()
    {
        var command = new Command("topk", "a head-mask relaxation (dsp, ste, concrete) and its gradient on given logits, as CSV: " +
                                          "head,logit,noise,mask,grad with grad = d(sum_h c_h mask_h) / d logit_h; numbers round-trip");
        var logits = new Option<string>("--logits") { Description = "the head logits, comma-separated", HelpName = "v1,v2,...", Required = true };
        var k = new Option<string?>("--k") { Description = "K, the heads kept (dsp, ste; not concrete: its budget comes from the L0 penalty)", HelpName = "K" };
        var tau = new Option<string?>("--tau")
        {
            Description = "dsp: the temperature (required); concrete: the temperature beta (default 0.33); ste takes none",
            HelpName = "T",
        };
        var noise = new Option<string>("--noise")
        {
            Description = "zero (default), or seed:N: dsp draws g_h = Philox.Gumbel(N, h); concrete draws u_h uniform in [1e-6, 1 - 1e-6] " +
                          "from Philox(N, h) and prints the logistic noise log u_h - log(1 - u_h); ste takes none",
            HelpName = "zero|seed:N",
            DefaultValueFactory = _ => "zero",
        };
        var upstream = new Option<string?>("--upstream") { Description = "the weights c of the loss sum_h c_h mask_h (default all ones), one per logit", HelpName = "c1,c2,..." };
        var method = CliOptions.Choice("--method", "dsp: Gumbel-soft-top-K, K softmaxes of (logit + g) / tau; ste: hard top-K (ties to the lower index), " +
                                                   "gradient = identity; concrete: Hard Concrete gate (Voita et al.)", Method.Dsp);
        var device = CliOptions.Device();
        foreach (Option o in new Option[] { logits, k, tau, noise, upstream, method.Option, device }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var options = Check(method.Value(parsed), parsed.GetValue(logits)!, parsed.GetValue(k), parsed.GetValue(tau), parsed.GetValue(noise)!,
                                parsed.GetValue(upstream), parsed.GetValue(device));
            var selected = Devices.OpenKernels(options.Device);
            using (selected.Kernels)
            {
                Console.Error.WriteLine($"device: {selected.Reason}");
                Write(Console.Out, Compute(options, selected.Kernels));
            }
            return 0;
        });
        return command;
    }

    public static void Write(TextWriter output, IEnumerable<Row> rows)
    {
        output.WriteLine("head,logit,noise,mask,grad");
        foreach (var r in rows)
            output.WriteLine(string.Join(',', r.Head.ToString(CultureInfo.InvariantCulture), F(r.Logit), F(r.Noise), F(r.Mask), F(r.Grad)));
    }

    /// <summary>Shortest text that parses back to the same float.</summary>
    static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static IReadOnlyList<Row> Compute(Options o, IKernels k)
    {
        int h = o.Logits.Length;
        using var logits = k.Allocate(h);
        using var upstream = k.Allocate(h);
        using var mask = k.Allocate(h);
        using var grad = k.Allocate(h);
        using var noise = k.Allocate(h);
        logits.CopyFrom(o.Logits);
        upstream.CopyFrom(o.Upstream);
        switch (o.Method)
        {
            case Method.Dsp:
            {
                if (o.NoiseSeed is { } seed)
                    noise.CopyFrom(Enumerable.Range(0, h).Select(i => Philox.Gumbel(seed, (ulong)i)).ToArray());
                using var saved = k.AllocateDouble(checked((int)SoftTopKLayout.SavedLength(h, o.K!.Value)));
                k.SoftTopKForward(logits, noise, mask, saved, h, o.K.Value, o.Tau!.Value);
                k.SoftTopKBackward(saved, upstream, grad, h, o.K.Value, o.Tau.Value);
                break;
            }
            case Method.Ste:
                k.SteTopKForward(logits, mask, h, o.K!.Value);
                k.SteTopKBackward(upstream, grad, h);
                break;
            case Method.Concrete:
            {
                var gate = HardConcreteGate.Default with { Beta = o.Tau ?? HardConcreteGate.Default.Beta };
                if (o.NoiseSeed is { } seed) k.HardConcreteNoise(noise, h, seed, 0);
                k.HardConcreteForward(logits, noise, mask, h, gate);
                k.HardConcreteBackward(logits, noise, upstream, grad, h, gate);
                break;
            }
        }
        var (m, g, n) = (mask.ToArray(), grad.ToArray(), noise.ToArray());
        return Enumerable.Range(0, h).Select(i => new Row(i, o.Logits[i], n[i], m[i], g[i])).ToArray();
    }

    /// <summary>The options of one call, checked against each other.</summary>
    /// <exception cref="UsageException">A value out of range or an option the method does not take.</exception>
    static Options Check(Method method, string logitText, string? kText, string? tauText, string noiseText, string? upText, DeviceChoice? device)
    {
        var logits = ParseList("--logits", logitText);
        int h = logits.Length;

        int? k = null;
        if (kText is not null)
        {
            if (method == Method.Concrete) throw Bad("--method concrete has no K (its budget comes from the L0 penalty); drop --k");
            if (!int.TryParse(kText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int kv)) throw Bad($"--k must be an integer, got '{kText}'");
            if (kv < 1 || kv > h) throw Bad($"--k must be in [1, {h}] (the number of logits), got {kv}");
            k = kv;
        }
        else if (method != Method.Concrete) throw Bad($"--k is required for --method {method.ToString().ToLowerInvariant()}");

        double? tau = null;
        if (tauText is not null)
        {
            if (method == Method.Ste) throw Bad("--method ste has no temperature; drop --tau");
            if (!double.TryParse(tauText, NumberStyles.Float, CultureInfo.InvariantCulture, out double t) || !double.IsFinite(t))
                throw Bad($"--tau must be a number, got '{tauText}'");
            if (t <= 0) throw Bad($"--tau must be > 0, got {tauText}");
            tau = t;
        }
        else if (method == Method.Dsp) throw Bad("--tau is required for --method dsp");

        ulong? seed = null;
        if (noiseText != "zero")
        {
            if (!noiseText.StartsWith("seed:", StringComparison.Ordinal) ||
                !ulong.TryParse(noiseText.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong s))
                throw Bad($"--noise must be zero or seed:N with N a non-negative integer, got '{noiseText}'");
            if (method == Method.Ste) throw Bad("--method ste takes no noise; drop --noise");
            seed = s;
        }

        var upstream = upText is not null ? ParseList("--upstream", upText) : Enumerable.Repeat(1f, h).ToArray();
        if (upstream.Length != h) throw Bad($"--upstream has {upstream.Length} values but --logits has {h}");

        return new Options(logits, k, tau, seed, upstream, method, device);
    }

    static float[] ParseList(string name, string text)
    {
        var parts = text.Split(',');
        var result = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]) || !float.IsFinite(result[i]))
                throw Bad($"{name}: value {i + 1} ('{parts[i]}') is not a finite number");
        }
        return result;
    }

    static UsageException Bad(string message) => new(message);
}
