using System.Diagnostics;
using NativeDsp.Kernels.Host;

namespace NativeDsp.Bench;

/// <summary>
/// Where a step goes, per workload of issue 15 (<see cref="StepWorkload.Names"/>: the small classifier's
/// training step, MiniLM's fine-tuning step, MiniLM's frozen-model mask step, MiniLM inference with all heads and
/// pruned, the encoder-decoder step): warm-up steps, then N untimed steps (median and minimum), then N steps
/// through <see cref="KernelTimer"/>, printing per-phase and per-kernel-family times and every GEMM shape with
/// its GFLOP/s, so that the next bottleneck is visible.
/// Run: <c>dotnet run -c Release --project bench -- step-profile [steps] [workload,... | all] [width 128|256|512]</c>.
/// </summary>
public static class TrainingStepProfile
{
    public static void Run(string[] args)
    {
        int steps = args.Length > 1 && int.TryParse(args[1], out int n) ? n : 10;
        var names = args.Length > 2 && args[2] != "all" ? args[2].Split(',') : StepWorkload.Names;
        var width = args.Length > 3 ? (VectorWidth)int.Parse(args[3]) : VectorWidths.Hardware;
        Console.WriteLine($"CPU: {VectorWidths.Describe()}; {Environment.ProcessorCount} threads; GEMM {GemmBlockSizes.For(width)}");
        foreach (var name in names) Profile(name, steps, width);
    }

    static void Profile(string name, int steps, VectorWidth width)
    {
        var (kernels, timer) = KernelTimer.Wrap(new HostKernels(width));
        using var step = StepWorkload.Create(name, kernels);
        Console.WriteLine();
        Console.WriteLine($"## {name}: {step.Description}");
        Console.WriteLine($"device: {step.Device.Description}");
        for (int i = 0; i < 3; i++) step.Run();

        // Untimed steps first: the step time without the proxy's overhead.
        var plain = new List<double>();
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        for (int i = 0; i < steps; i++)
        {
            long t = Stopwatch.GetTimestamp();
            step.Run();
            plain.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        process.Refresh();
        // On a shared machine wall time includes waiting for a core; CPU time per step / cores is what the
        // step would take on an idle machine with perfect parallel use (spin-waits make it an overestimate).
        double cpuPerStep = (process.TotalProcessorTime - cpu0).TotalMilliseconds / steps;
        plain.Sort();
        double median = plain[plain.Count / 2];
        Console.WriteLine($"step time (no timer): median {median:F1} ms, min {plain[0]:F1} ms over {steps} steps; " +
                          $"{step.Tokens / (median / 1000):N0} tokens/s; CPU time per step {cpuPerStep:F1} ms over {Environment.ProcessorCount} cores");

        timer.Enabled = true;
        long total = 0, fwd = 0, bwd = 0, opt = 0;
        for (int i = 0; i < steps; i++)
        {
            long t = Stopwatch.GetTimestamp();
            step.Run();
            total += Stopwatch.GetTimestamp() - t;
            fwd += step.LastPhases.Forward;
            bwd += step.LastPhases.Backward;
            opt += step.LastPhases.Optimizer;
        }
        timer.Enabled = false;
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency / steps;
        Console.WriteLine($"timed steps: {Ms(total):F1} ms per step = forward {Ms(fwd):F1} + backward {Ms(bwd):F1} + optimizer and read-back {Ms(opt):F1}");
        Console.WriteLine();
        Console.WriteLine("| kernel family | ms per step | share of step | calls per step |");
        Console.WriteLine("|---|---:|---:|---:|");
        var families = timer.Totals.GroupBy(kv => KernelTimer.Family(kv.Key))
            .Select(g => (Family: g.Key, Ticks: g.Sum(x => x.Value.Ticks), Calls: g.Sum(x => x.Value.Calls)))
            .OrderByDescending(f => f.Ticks).ToList();
        long inKernels = 0;
        foreach (var (family, ticks, calls) in families)
        {
            inKernels += ticks;
            Console.WriteLine($"| {family} | {Ms(ticks):F1} | {100.0 * ticks / total:F1}% | {calls / (double)steps:F0} |");
        }
        Console.WriteLine($"| outside kernels (tape, shapes, host arrays, GC) | {Ms(total - inKernels):F1} | {100.0 * (total - inKernels) / total:F1}% | |");
        Console.WriteLine();
        Console.WriteLine("| GEMM (batch x m x n x k, op(A) op(B)) | calls per step | ms per step | GFLOP/s |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (shape, g) in timer.Gemms.OrderByDescending(kv => kv.Value.Ticks))
            Console.WriteLine($"| {shape} | {g.Calls / (double)steps:F0} | {Ms(g.Ticks):F2} | {g.Flops / (g.Ticks / (double)Stopwatch.Frequency) / 1e9:F1} |");
        long attention = families.Where(f => f.Family.StartsWith("attention", StringComparison.Ordinal)).Sum(f => f.Ticks);
        Console.WriteLine();
        Console.WriteLine($"attention forward + backward: {Ms(attention):F1} ms = {100.0 * attention / total:F1}% of the step");
    }
}
