using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NativeDsp.Kernels;
using NativeDsp.Kernels.Host;
using NativeDsp.Kernels.Pruning;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Bench;

/// <summary>
/// Gumbel-soft-top-K forward + analytic backward on the Host kernels, at the two settings of the paper:
/// BERT-base (H = 144 heads, K = 24 kept) and the 6+6-layer IWSLT Transformer (H = 72, K = 12). The
/// reference code's unrolled libtorch version takes ~1,100 us here. tau = 1 is a mid-anneal value; 1e-4
/// is the saturated end, where most probabilities underflow.
/// Run: <c>dotnet run -c Release --project bench -- --filter '*TopKBenchmarks*'</c>; results in bench/RESULTS.md.
/// </summary>
[Config(typeof(TopKConfig))]
[MemoryDiagnoser]
public class TopKBenchmarks
{
    /// <summary>
    /// BenchmarkDotNet's short run, in process: on the shared 2-core machine the generated project's build
    /// timed out (2 min), and these microsecond kernels need no process isolation.
    /// </summary>
    public sealed class TopKConfig : ManualConfig
    {
        public TopKConfig() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("short-inprocess"));
    }

    public readonly record struct Shape(int H, int K)
    {
        public override string ToString() => $"H={H},K={K}";
    }

    public static IEnumerable<Shape> Shapes => [new(144, 24), new(72, 12)];

    [ParamsSource(nameof(Shapes))]
    public Shape Size { get; set; }

    [Params(1.0, 1e-4)]
    public double Tau { get; set; }

    readonly HostKernels kernels = new();
    DeviceBuffer<float> logits = null!, noise = null!, mask = null!, dmask = null!, dlogits = null!;
    DeviceBuffer<double> saved = null!;

    [GlobalSetup]
    public void Setup()
    {
        int h = Size.H;
        logits = Fill(h, i => 0.1f * Philox.Normal(1, (ulong)i));
        noise = Fill(h, i => Philox.Gumbel(2, (ulong)i));
        dmask = Fill(h, i => Philox.Normal(3, (ulong)i));
        mask = kernels.Allocate(h);
        dlogits = kernels.Allocate(h);
        saved = kernels.AllocateDouble((int)SoftTopKLayout.SavedLength(h, Size.K));
    }

    DeviceBuffer<float> Fill(int n, Func<int, float> f)
    {
        var b = kernels.Allocate(n);
        b.CopyFrom(Enumerable.Range(0, n).Select(f).ToArray());
        return b;
    }

    [Benchmark]
    public void Forward() => kernels.SoftTopKForward(logits, noise, mask, saved, Size.H, Size.K, Tau);

    [Benchmark]
    public void ForwardBackward()
    {
        kernels.SoftTopKForward(logits, noise, mask, saved, Size.H, Size.K, Tau);
        kernels.SoftTopKBackward(saved, dmask, dlogits, Size.H, Size.K, Tau);
    }
}
