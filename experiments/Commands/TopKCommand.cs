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
    public const string Usage =
        """
        usage: nativedsp topk --logits v1,v2,... [--k K] [--tau T] [--noise zero|seed:N] [--upstream c1,c2,...]
                              [--method dsp|ste|concrete] [--device auto|host|ilgpu-cpu|cuda|opencl]
          --method dsp       Gumbel-soft-top-K (default): r = logit + g, K softmaxes of r / tau; needs --k and --tau.
                             --noise seed:N draws g_h = Philox.Gumbel(N, h); zero (default) uses g = 0.
          --method ste       hard top-K of the logits (exactly K ones, ties to the lower index), gradient = identity;
                             needs --k; takes no --tau and no noise.
          --method concrete  Hard Concrete gate (Voita et al.): gate = clamp(sigmoid((logit + l) / beta) * 1.2 - 0.1, 0, 1);
                             --tau is the temperature beta (default 0.33); takes no --k (its budget comes from the L0
                             penalty). --noise seed:N draws u_h uniform in [1e-6, 1 - 1e-6] from Philox(N, h) and
                             the noise column is the logistic noise l_h = log u_h - log(1 - u_h); zero uses l = 0.
          --upstream         the weights c of the loss sum_h c_h mask_h (default all ones), one per logit.
        Prints CSV: head,logit,noise,mask,grad with grad = d(sum_h c_h mask_h) / d logit_h; numbers round-trip.
        """;

    public enum Method { Dsp, Ste, Concrete }

    public sealed record Options(float[] Logits, int? K, double? Tau, ulong? NoiseSeed, float[] Upstream, Method Method, string? Device);

    public sealed record Row(int Head, float Logit, float Noise, float Mask, float Grad);

    public static int Run(string[] args)
    {
        var options = Parse(args);
        SelectedKernels selected;
        try
        {
            selected = DeviceSelection.Select(options.Device);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, Usage);
        }
        using (selected.Kernels)
        {
            Console.Error.WriteLine($"device: {selected.Reason}");
            Write(Console.Out, Compute(options, selected.Kernels));
        }
        return 0;
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

    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is not ("--logits" or "--k" or "--tau" or "--noise" or "--upstream" or "--method" or "--device"))
                throw Bad($"unknown argument '{name}'");
            if (i + 1 >= args.Length) throw Bad($"{name} needs a value");
            if (!values.TryAdd(name, args[++i])) throw Bad($"{name} is given twice");
        }

        var method = values.GetValueOrDefault("--method", "dsp") switch
        {
            "dsp" => Method.Dsp,
            "ste" => Method.Ste,
            "concrete" => Method.Concrete,
            var other => throw Bad($"--method must be dsp, ste or concrete, got '{other}'"),
        };
        if (!values.TryGetValue("--logits", out var logitText)) throw Bad("--logits is required");
        var logits = ParseList("--logits", logitText);
        int h = logits.Length;

        int? k = null;
        if (values.TryGetValue("--k", out var kText))
        {
            if (method == Method.Concrete) throw Bad("--method concrete has no K (its budget comes from the L0 penalty); drop --k");
            if (!int.TryParse(kText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int kv)) throw Bad($"--k must be an integer, got '{kText}'");
            if (kv < 1 || kv > h) throw Bad($"--k must be in [1, {h}] (the number of logits), got {kv}");
            k = kv;
        }
        else if (method != Method.Concrete) throw Bad($"--k is required for --method {method.ToString().ToLowerInvariant()}");

        double? tau = null;
        if (values.TryGetValue("--tau", out var tauText))
        {
            if (method == Method.Ste) throw Bad("--method ste has no temperature; drop --tau");
            if (!double.TryParse(tauText, NumberStyles.Float, CultureInfo.InvariantCulture, out double t) || !double.IsFinite(t))
                throw Bad($"--tau must be a number, got '{tauText}'");
            if (t <= 0) throw Bad($"--tau must be > 0, got {tauText}");
            tau = t;
        }
        else if (method == Method.Dsp) throw Bad("--tau is required for --method dsp");

        ulong? seed = null;
        string noiseText = values.GetValueOrDefault("--noise", "zero");
        if (noiseText != "zero")
        {
            if (!noiseText.StartsWith("seed:", StringComparison.Ordinal) ||
                !ulong.TryParse(noiseText.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong s))
                throw Bad($"--noise must be zero or seed:N with N a non-negative integer, got '{noiseText}'");
            if (method == Method.Ste) throw Bad("--method ste takes no noise; drop --noise");
            seed = s;
        }

        var upstream = values.TryGetValue("--upstream", out var upText) ? ParseList("--upstream", upText) : Enumerable.Repeat(1f, h).ToArray();
        if (upstream.Length != h) throw Bad($"--upstream has {upstream.Length} values but --logits has {h}");

        return new Options(logits, k, tau, seed, upstream, method, values.GetValueOrDefault("--device"));
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

    static UsageException Bad(string message) => new(message, Usage);
}
