using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NativeDsp.Kernels.Host;

namespace NativeDsp.Bench;

/// <summary>
/// A short job, in process: the machine is shared, the point is the order of magnitude against the ~270 ms
/// target; and building BenchmarkDotNet's separate boilerplate project timed out (120 s) under the load of
/// the other agents, so the benchmark runs in the host process.
/// </summary>
public sealed class TrainingStepConfig : ManualConfig
{
    public TrainingStepConfig()
    {
        AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance).WithId("short-inprocess"));
    }
}

/// <summary>
/// One training step (forward + backward + AdamW) of the NLI classifier of issue 5 on the Host backend
/// (<see cref="ClassifierTrainingStep"/>): 2 layers, d 256, 4 heads, FFN 1024, vocab 8000, 32 x 64 tokens.
/// TorchSharp (libtorch CPU) takes ~260-280 ms for this step on the 2-core development machine.
/// Run: <c>dotnet run -c Release --project bench -- --filter '*TrainingStep*'</c>; the per-kernel split
/// comes from <c>dotnet run -c Release --project bench -- step-profile</c> (<see cref="TrainingStepProfile"/>).
/// </summary>
[Config(typeof(TrainingStepConfig))]
public class TrainingStepBenchmarks
{
    ClassifierTrainingStep step = null!;

    /// <summary>BERT's 0.1, and 0 to show what the dropout masks (one Philox block per element) cost.</summary>
    [Params(0.1f, 0f)]
    public float Dropout { get; set; }

    [GlobalSetup]
    public void Setup() => step = new ClassifierTrainingStep(new HostKernels(), Dropout);

    [Benchmark(Description = "classifier step 32x64 (fwd+bwd+AdamW)")]
    public float ClassifierStep() => step.Run();

    [GlobalCleanup]
    public void Cleanup() => step.Dispose();
}
