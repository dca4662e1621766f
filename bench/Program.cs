using BenchmarkDotNet.Running;

namespace NativeDsp.Bench;

/// <summary>
/// Benchmarks of the kernels and whole training steps. Run in Release:
/// <c>dotnet run -c Release --project bench -- --filter '*'</c> (or a class name, e.g. <c>--filter '*Gemm*'</c>).
/// Verbs: <c>step-profile</c>, <c>gemm</c>, <c>steps</c>, <c>softtopk</c> (soft top-K over thousands of units, <see cref="SoftTopKScaling"/>).
/// Results and the machine they ran on are recorded in bench/RESULTS.md.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["step-profile", ..]) { TrainingStepProfile.Run(args); return; }
        if (args is ["gemm", ..]) { GemmSweep.Run(args); return; }
        if (args is ["steps", ..]) { StepTimes.Run(args); return; }
        if (args is ["softtopk", ..]) { SoftTopKScaling.Run(args); return; }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
