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
/// (the same kernel code that runs on CUDA/OpenCL), plus, opt-in, ILGPU on a real CUDA device: with
/// <see cref="CudaVariable"/>=1 the matrix gets a "cuda" entry and every kernel test over
/// <see cref="All"/> runs there too. Without the variable the entry is not listed (nothing pretends to have
/// run on a GPU); with it and no usable CUDA device, the "cuda" cases fail with the reason, never pass.
/// Created once per test run.
/// </summary>
public static class TestBackends
{
    /// <summary>Set to 1 to add the "cuda" entry to the kernel test matrix.</summary>
    public const string CudaVariable = "NATIVEDSP_TEST_CUDA";

    static readonly Lazy<HostKernels> host = new(() => new HostKernels());
    static readonly Dictionary<VectorWidth, Lazy<HostKernels>> narrower =
        VectorWidths.Supported.ToDictionary(w => w, w => new Lazy<HostKernels>(() => new HostKernels(w)));
    static readonly Lazy<IlgpuKernels> ilgpuCpu = new(IlgpuKernels.CreateCpu);
    static readonly Lazy<IlgpuKernels> cuda = new(() => IlgpuKernels.TryCreateCuda(out string reason)
        ?? throw new InvalidOperationException($"{CudaVariable}=1 asks for the CUDA kernel tests, but: {reason}"));

    public static HostKernels Host => host.Value;

    /// <summary>Whether the opt-in CUDA entry is in the matrix (<see cref="CudaVariable"/> is 1).</summary>
    public static bool CudaRequested => Environment.GetEnvironmentVariable(CudaVariable) == "1";
    /// <summary>Host kernels at <paramref name="width"/> (which the CPU must support).</summary>
    public static HostKernels HostAt(VectorWidth width) => narrower[width].Value;

    /// <summary>Whether the named backend is a Host one (any width).</summary>
    public static bool IsHost(string name) => name == "host" || name.StartsWith("host-", StringComparison.Ordinal);

    public static IKernels Get(string name) => name switch
    {
        "host" => host.Value,
        "ilgpu-cpu" => ilgpuCpu.Value,
        "cuda" when CudaRequested => cuda.Value,
        "cuda" => throw new InvalidOperationException($"the cuda test backend is opt-in: set {CudaVariable}=1"),
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
            if (CudaRequested) data.Add("cuda");
            return data;
        }
    }
}
