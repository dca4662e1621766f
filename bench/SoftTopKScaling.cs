using System.Diagnostics;
using NativeDsp.Kernels;
using NativeDsp.Kernels.Host;
using NativeDsp.Kernels.Pruning;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Bench;

/// <summary>
/// Soft top-K over FFN neurons (issue 20): H = 1,536 x 6 = 9,216 and 3,072 x 12 = 36,864 units, K = 25% and 50%,
/// as one global budget and as a budget per layer, forward and forward + backward on ONE thread (the Host kernel
/// is single-threaded per segment; per-layer budgets run layer after layer here), plus the per-layer budget
/// through the segmented op on every core. Prints a markdown table of medians (wall and process CPU time), the
/// saved memory, and the cost per (iteration x unit) that bounds it: every iteration takes one vector exp and
/// one vector log over its segment, so a pass costs ~K H of them. The target of issue 20 is forward + backward
/// &lt;= 1 ms at 9,216 units.
/// Run: <c>dotnet run -c Release --project bench -- softtopk [reps] [tau]</c> (default 3 reps, tau 1; use a quiet machine).
/// <c>softtopk smoke</c> runs small shapes once, to check the bench itself.
/// </summary>
public static class SoftTopKScaling
{
    /// <summary>A case: units per layer, layers, kept fraction, per layer or global.</summary>
    public sealed record Case(int PerLayer, int Layers, double Fraction, bool PerLayerBudget)
    {
        /// <summary>All units.</summary>
        public int Units => PerLayer * Layers;
        /// <summary>K of one relaxation (a layer's, or the global one).</summary>
        public int K => PerLayerBudget ? (int)Math.Round(Fraction * PerLayer) : (int)Math.Round(Fraction * Units);
        /// <summary>"H = 1536 x 6, K = 25% per layer (384 each)".</summary>
        public override string ToString() =>
            $"{PerLayer} x {Layers} = {Units}, K = {Fraction:P0} {(PerLayerBudget ? $"per layer ({K} each)" : $"global ({K})")}";
    }

    /// <summary>The issue's shapes.</summary>
    public static IEnumerable<Case> Cases(bool smoke) =>
        from shape in smoke ? new[] { (64, 3) } : new[] { (1536, 6), (3072, 12) }
        from fraction in new[] { 0.25, 0.5 }
        from perLayer in new[] { true, false }
        select new Case(shape.Item1, shape.Item2, fraction, perLayer);

    public static void Run(string[] args)
    {
        bool smoke = args.Length > 1 && args[1] == "smoke";
        int reps = !smoke && args.Length > 1 && int.TryParse(args[1], out int r) ? r : smoke ? 1 : 3;
        double tau = args.Length > 2 && double.TryParse(args[2], System.Globalization.CultureInfo.InvariantCulture, out double t) ? t : 1.0;
        var kernels = new HostKernels();
        Console.WriteLine($"CPU: {VectorWidths.Describe()}; {Environment.ProcessorCount} threads; tau = {tau}; {reps} reps (median)");
        Console.WriteLine();
        Console.WriteLine("| units, budget | saved | forward (1 thread) | fwd + bwd (1 thread) | per iteration x unit (fwd) | fwd + bwd, segmented op, all cores |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var c in Cases(smoke))
        {
            int h = c.PerLayerBudget ? c.PerLayer : c.Units, parts = c.PerLayerBudget ? c.Layers : 1;
            var layers = Enumerable.Range(0, parts).Select(l => new Relaxation(kernels, h, c.K, l)).ToArray();
            try
            {
                double forward = Median(reps, () => { foreach (var x in layers) x.Forward(tau); }, out double forwardCpu);
                double both = Median(reps, () => { foreach (var x in layers) { x.Forward(tau); x.Backward(tau); } }, out double bothCpu);
                double segmented = c.PerLayerBudget ? Segmented(kernels, c, tau, reps) : double.NaN;
                double perElement = forward * 1e6 / ((double)c.K * h * parts);
                long savedBytes = 8L * SoftTopKLayout.SavedLength(h, c.K) * parts;
                Console.WriteLine($"| {c} | {savedBytes / 1e6:0.0} MB | {forward:0.00} ms (CPU {forwardCpu:0.00}) | {both:0.00} ms (CPU {bothCpu:0.00}) | {perElement:0.00} ns | " +
                                  $"{(double.IsNaN(segmented) ? "-" : $"{segmented:0.00} ms")} |");
            }
            finally
            {
                foreach (var x in layers) x.Dispose();
            }
        }
    }

    /// <summary>One relaxation's buffers: logits, noise, mask, saved, dmask, dlogits.</summary>
    sealed class Relaxation : IDisposable
    {
        readonly IKernels k;
        readonly int h, topK;
        readonly DeviceBuffer<float> w, g, mask, dmask, dw;
        readonly DeviceBuffer<double> saved;

        public Relaxation(IKernels kernels, int h, int topK, int layer)
        {
            k = kernels;
            this.h = h;
            this.topK = topK;
            w = Fill(kernels, h, i => 0.1f * Philox.Normal(1 + (ulong)layer, (ulong)i));
            g = Fill(kernels, h, i => Philox.Gumbel(100 + (ulong)layer, (ulong)i));
            dmask = Fill(kernels, h, i => Philox.Normal(200 + (ulong)layer, (ulong)i));
            mask = kernels.Allocate(h);
            dw = kernels.Allocate(h);
            saved = kernels.AllocateDouble(checked((int)SoftTopKLayout.SavedLength(h, topK)));
        }

        public void Forward(double tau) => k.SoftTopKForward(w, g, mask, saved, h, topK, tau);
        public void Backward(double tau) => k.SoftTopKBackward(saved, dmask, dw, h, topK, tau);

        public void Dispose()
        {
            foreach (var b in new[] { w, g, mask, dmask, dw }) b.Dispose();
            saved.Dispose();
        }
    }

    /// <summary>The per-layer budget as one segmented op (layers in parallel): forward + backward, median ms.</summary>
    static double Segmented(IKernels kernels, Case c, double tau, int reps)
    {
        var segments = Enumerable.Range(0, c.Layers).Select(l => new SoftTopKSegment(l * c.PerLayer, c.PerLayer, c.K)).ToArray();
        using var w = Fill(kernels, c.Units, i => 0.1f * Philox.Normal(1, (ulong)i));
        using var g = Fill(kernels, c.Units, i => Philox.Gumbel(100, (ulong)i));
        using var dmask = Fill(kernels, c.Units, i => Philox.Normal(200, (ulong)i));
        using var mask = kernels.Allocate(c.Units);
        using var dw = kernels.Allocate(c.Units);
        using var saved = kernels.AllocateDouble(checked((int)SoftTopKSegment.SavedLayout(segments).Length));
        return Median(reps, () =>
        {
            kernels.SoftTopKSegmentsForward(w, g, mask, saved, c.Units, segments, tau);
            kernels.SoftTopKSegmentsBackward(saved, dmask, dw, c.Units, segments, tau);
        }, out _);
    }

    static DeviceBuffer<float> Fill(IKernels kernels, int n, Func<int, float> f)
    {
        var b = kernels.Allocate(n);
        b.CopyFrom(Enumerable.Range(0, n).Select(f).ToArray());
        return b;
    }

    /// <summary>One warm-up call, then the median of <paramref name="reps"/> timed calls in ms (wall), and the median process CPU time.</summary>
    static double Median(int reps, Action body, out double cpuMs)
    {
        body();
        var wall = new List<double>();
        var cpu = new List<double>();
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < reps; i++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            body();
            wall.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
        }
        cpuMs = cpu.Order().ElementAt(cpu.Count / 2);
        return wall.Order().ElementAt(wall.Count / 2);
    }
}
