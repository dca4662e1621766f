using NativeDsp.Kernels;
using NativeDsp.Kernels.Host;
using NativeDsp.Kernels.Ilgpu;

// Kernels share one ILGPU accelerator across test classes, and results must not depend on what runs
// beside them; the 2-core CI machine gains nothing from running test classes in parallel anyway.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace NativeDsp.Tests;

/// <summary>
/// The backends every kernel test runs on: Host (C# SIMD) at the widest vector width of the CPU ("host"),
/// Host at each narrower width the CPU can run ("host-256" for AVX2 + FMA, "host-128" for the 128-bit path
/// that ARM NEON and x86 without AVX take; see <see cref="VectorWidth"/>), and ILGPU on its CPU accelerator
/// (the same kernel code that runs on CUDA/OpenCL). Created once per test run.
/// </summary>
public static class TestBackends
{
    static readonly Lazy<HostKernels> host = new(() => new HostKernels());
    static readonly Dictionary<VectorWidth, Lazy<HostKernels>> narrower =
        VectorWidths.Supported.ToDictionary(w => w, w => new Lazy<HostKernels>(() => new HostKernels(w)));
    static readonly Lazy<IlgpuKernels> ilgpuCpu = new(IlgpuKernels.CreateCpu);

    public static HostKernels Host => host.Value;

    /// <summary>Host kernels at <paramref name="width"/> (which the CPU must support).</summary>
    public static HostKernels HostAt(VectorWidth width) => narrower[width].Value;

    /// <summary>Whether the named backend is a Host one (any width).</summary>
    public static bool IsHost(string name) => name == "host" || name.StartsWith("host-", StringComparison.Ordinal);

    public static IKernels Get(string name) => name switch
    {
        "host" => host.Value,
        "ilgpu-cpu" => ilgpuCpu.Value,
        _ when name.StartsWith("host-", StringComparison.Ordinal) && int.TryParse(name[5..], out int bits)
            => HostAt((VectorWidth)bits),
        _ => throw new ArgumentException($"unknown test backend {name}"),
    };

    /// <summary>The Host backend names below the hardware width ("host-128", "host-256" on an AVX-512 CPU).</summary>
    public static IEnumerable<string> NarrowHosts =>
        VectorWidths.Supported.Where(w => w < VectorWidths.Hardware).Select(w => $"host-{(int)w}");

    /// <summary>For <c>[Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]</c>.</summary>
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string> { "host" };
            foreach (var name in NarrowHosts) data.Add(name);
            data.Add("ilgpu-cpu");
            return data;
        }
    }
}
