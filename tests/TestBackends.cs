using NativeDsp.Kernels;
using NativeDsp.Kernels.Host;
using NativeDsp.Kernels.Ilgpu;

// Kernels share one ILGPU accelerator across test classes, and results must not depend on what runs
// beside them; the 2-core CI machine gains nothing from running test classes in parallel anyway.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace NativeDsp.Tests;

/// <summary>
/// The backends every kernel test runs on: Host (C# SIMD) and ILGPU on its CPU accelerator (the same
/// kernel code that runs on CUDA/OpenCL). Created once per test run.
/// </summary>
public static class TestBackends
{
    static readonly Lazy<HostKernels> host = new(() => new HostKernels());
    static readonly Lazy<IlgpuKernels> ilgpuCpu = new(IlgpuKernels.CreateCpu);

    public static HostKernels Host => host.Value;

    public static IKernels Get(string name) => name switch
    {
        "host" => host.Value,
        "ilgpu-cpu" => ilgpuCpu.Value,
        _ => throw new ArgumentException($"unknown test backend {name}"),
    };

    /// <summary>For <c>[Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]</c>.</summary>
    public static TheoryData<string> All => new() { "host", "ilgpu-cpu" };
}
