using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using NativeDsp.Kernels;
using NativeDsp.Kernels.Host;

namespace NativeDsp.Bench;

/// <summary>
/// The config of the GEMM benchmarks: a short job (the machine is shared; the point is the order of
/// magnitude and the ratios, not the third digit) and the GFLOP/s column.
/// </summary>
public sealed class GemmConfig : ManualConfig
{
    public GemmConfig()
    {
        AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(5).WithId("short"));
        AddColumn(new GflopsColumn());
    }
}

/// <summary>
/// Square float32 GEMM, C = A * B with n x n operands, on the Host backend: the naive triple loop
/// (<see cref="HostKernels.MatMulNaive"/>, the baseline of the Ratio column) against the cache-blocked
/// product (<see cref="HostKernels.MatMul"/>).
/// Run: <c>dotnet run -c Release --project bench -- --filter '*Gemm*'</c>.
/// </summary>
[Config(typeof(GemmConfig))]
public class GemmHostBenchmarks
{
    HostKernels host = null!;
    DeviceBuffer<float> a = null!, b = null!, c = null!;

    [Params(256, 512, 1024)]
    public int N { get; set; }

    public static double Flops(BenchmarkCase benchmark) => 2.0 * Math.Pow((int)benchmark.Parameters["N"], 3);

    [GlobalSetup]
    public void Setup()
    {
        host = new HostKernels();
        (a, b, c) = GemmOperands.Create(host, N);
    }

    [Benchmark(Baseline = true)]
    public void Naive() => host.MatMulNaive(a, b, c, 1, N, N, N, false, false, 0, 0, 0);

    [Benchmark]
    public void Blocked() => host.MatMul(a, b, c, 1, N, N, N, false, false, 0, 0, 0);

    [GlobalCleanup]
    public void Cleanup()
    {
        a.Dispose(); b.Dispose(); c.Dispose();
        host.Dispose();
    }
}

/// <summary>Random operands, the same for every backend and size family.</summary>
static class GemmOperands
{
    public static (DeviceBuffer<float> A, DeviceBuffer<float> B, DeviceBuffer<float> C) Create(IKernels kernels, int n)
    {
        var rng = new Random(42);
        var values = new float[n * n];
        var a = kernels.Allocate(n * n);
        var b = kernels.Allocate(n * n);
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextSingle() * 2f - 1f;
        a.CopyFrom(values);
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextSingle() * 2f - 1f;
        b.CopyFrom(values);
        return (a, b, kernels.Allocate(n * n));
    }
}

/// <summary>
/// The same product on ILGPU's CPU accelerator (the tiled kernel that runs on CUDA/OpenCL, here with
/// GPU threads and barriers emulated by OS threads) at n = 128, next to both Host kernels at that size:
/// it shows why the Host kernels, not ILGPU-CPU, are the engine on a CPU-only machine.
/// </summary>
[Config(typeof(GemmConfig))]
public class GemmIlgpuCpuBenchmarks
{
    HostKernels host = null!;
    IKernels ilgpu = null!;
    DeviceBuffer<float> a = null!, b = null!, c = null!, ga = null!, gb = null!, gc = null!;

    [Params(128)]
    public int N { get; set; }

    public static double Flops(BenchmarkCase benchmark) => 2.0 * Math.Pow((int)benchmark.Parameters["N"], 3);

    [GlobalSetup]
    public void Setup()
    {
        host = new HostKernels();
        ilgpu = NativeDsp.Kernels.Ilgpu.IlgpuKernels.CreateCpu();
        (a, b, c) = GemmOperands.Create(host, N);
        (ga, gb, gc) = GemmOperands.Create(ilgpu, N);
    }

    [Benchmark(Baseline = true)]
    public void HostNaive() => host.MatMulNaive(a, b, c, 1, N, N, N, false, false, 0, 0, 0);

    [Benchmark]
    public void HostBlocked() => host.MatMul(a, b, c, 1, N, N, N, false, false, 0, 0, 0);

    [Benchmark]
    public void IlgpuCpu()
    {
        ilgpu.MatMul(ga, gb, gc, 1, N, N, N, false, false, 0, 0, 0);
        ilgpu.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var buffer in new[] { a, b, c, ga, gb, gc }) buffer.Dispose();
        host.Dispose();
        ilgpu.Dispose();
    }
}
