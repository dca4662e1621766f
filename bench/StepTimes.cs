using System.Diagnostics;
using NativeDsp.Kernels.Host;

namespace NativeDsp.Bench;

/// <summary>
/// Median wall time of each workload of issue 15 (<see cref="StepWorkload.Names"/>) in alternated rounds: every
/// round runs a few steps of each workload in turn, so a change of machine load hits them alike; the report is
/// the median over rounds of each round's median. Machine-readable lines ("RESULT, name@dDROPOUT, ms", tab-separated) let bench/run-cpu.sh
/// put these beside the peers' figures.
/// Run: <c>dotnet run -c Release --project bench -- steps [rounds] [workload,... | all] [width | native] [dropout]</c>.
/// </summary>
public static class StepTimes
{
    public static void Run(string[] args)
    {
        int rounds = args.Length > 1 && int.TryParse(args[1], out int r) ? r : 5;
        var names = args.Length > 2 && args[2] != "all" ? args[2].Split(',') : StepWorkload.Names;
        var width = args.Length > 3 && args[3] != "native" ? (VectorWidth)int.Parse(args[3]) : VectorWidths.Hardware;
        float dropout = args.Length > 4 ? float.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 0.1f;
        Console.WriteLine($"CPU: {VectorWidths.Describe()}; {Environment.ProcessorCount} threads; {(int)width}-bit; dropout {dropout}");
        var kernels = new HostKernels(width);
        var workloads = names.Select(n => (Name: n, Step: StepWorkload.Create(n, kernels, dropout))).ToList();
        foreach (var (_, step) in workloads) for (int i = 0; i < 2; i++) step.Run();
        var medians = workloads.ToDictionary(w => w.Name, _ => new List<double>());
        const int perRound = 3;
        for (int round = 0; round < rounds; round++)
            foreach (var (name, step) in workloads)
            {
                var times = new List<double>();
                for (int i = 0; i < perRound; i++)
                {
                    long t = Stopwatch.GetTimestamp();
                    step.Run();
                    times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
                medians[name].Add(GemmSweep.Median(times));
            }
        foreach (var (name, step) in workloads)
        {
            double ms = GemmSweep.Median(medians[name]);
            Console.WriteLine($"{name}: {ms:F2} ms ({step.Tokens / (ms / 1000):N0} tokens/s): {step.Description}");
            Console.WriteLine($"RESULT\t{name}@d{dropout.ToString(System.Globalization.CultureInfo.InvariantCulture)}\t{ms:F3}");
            step.Dispose();
        }
    }
}
