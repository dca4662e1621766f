using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using NativeDsp.Kernels.Ilgpu;
using Xunit.Abstractions;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// Compiles every ILGPU kernel to PTX without a GPU, so that a kernel the CUDA backend rejects (an
/// unsupported intrinsic, a managed allocation, a bad shared-memory use) fails here rather than on a
/// user's GPU. Kernels are found by reflection: every static method of the kernels assembly marked
/// [IlgpuKernel]; a new kernel is covered as soon as it carries the attribute.
/// </summary>
public sealed class PtxCompileTests(ITestOutputHelper output)
{
    static readonly Assembly KernelsAssembly = typeof(IlgpuKernels).Assembly;

    /// <summary>All [IlgpuKernel] methods, by declaring type and name (theory data must be serialisable).</summary>
    public static TheoryData<string> KernelNames()
    {
        var data = new TheoryData<string>();
        foreach (var m in FindKernels()) data.Add(Name(m));
        return data;
    }

    static IEnumerable<MethodInfo> FindKernels() =>
        KernelsAssembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<IlgpuKernelAttribute>() is not null)
            .OrderBy(Name, StringComparer.Ordinal);

    static string Name(MethodInfo m) => $"{m.DeclaringType!.FullName}.{m.Name}";

    /// <summary>Implicitly grouped kernels take their thread index (Index1D/2D/3D) as the first parameter.</summary>
    static bool IsImplicitlyGrouped(MethodInfo m)
    {
        var ps = m.GetParameters();
        return ps.Length > 0 && ps[0].ParameterType is var t && (t == typeof(Index1D) || t == typeof(Index2D) || t == typeof(Index3D));
    }

    [Fact]
    public void KernelsAreFound()
    {
        var kernels = FindKernels().ToList();
        Assert.NotEmpty(kernels);
        // A method named like a kernel without the attribute would silently escape this test.
        var unmarked = KernelsAssembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.Name.EndsWith("Kernel", StringComparison.Ordinal) && m.DeclaringType!.Namespace!.Contains("Ilgpu", StringComparison.Ordinal))
            .Where(m => m.GetCustomAttribute<IlgpuKernelAttribute>() is null && !m.IsSpecialName)
            .Select(Name).ToList();
        Assert.True(unmarked.Count == 0, $"static methods named *Kernel without [IlgpuKernel]: {string.Join(", ", unmarked)}");
    }

    /// <summary>
    /// The TF32 tensor-core GEMM (kernels/Ilgpu/MatMulTf32.cs) compiled for sm_80, the first architecture with TF32 mma:
    /// its inline PTX must reach the module as written (the rounding of the staged operands and the m16n8k8 mma). No GPU
    /// and no ptxas here, so this is as far as it is checked on this machine; the GPU kit runs it against float32.
    /// </summary>
    [Fact]
    public void Tf32GemmEmitsTensorCoreMma()
    {
        var method = FindKernels().Single(m => m.Name == "MatMulTf32Kernel");
        using var context = Context.Create(b => IlgpuKernels.Configure(b));
        using var backend = new PTXBackend(context, CudaArchitecture.SM_80, CudaInstructionSet.ISA_70, nvvmAPI: null!);
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), new KernelSpecialization());
        string ptx = compiled.PTXAssembly;
        Assert.Contains(".target sm_80", ptx, StringComparison.Ordinal);
        Assert.Equal(8, ptx.Split("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32").Length - 1); // 2 x 4 tiles per k step of 8
        Assert.Contains("cvt.rna.tf32.f32", ptx, StringComparison.Ordinal);
        output.WriteLine(string.Join('\n', ptx.Split('\n').Where(l => l.Contains("mma.sync", StringComparison.Ordinal) || l.Contains("cvt.rna", StringComparison.Ordinal)).Take(3)));
        if (Environment.GetEnvironmentVariable("NATIVEDSP_DUMP_PTX") is { Length: > 0 } path) File.WriteAllText(path, ptx);
    }

    [Theory, MemberData(nameof(KernelNames))]
    public void CompilesToPtx(string kernelName)
    {
        var method = FindKernels().Single(m => Name(m) == kernelName);
        using var context = Context.Create(b => IlgpuKernels.Configure(b));
        using var backend = new PTXBackend(context, CudaArchitecture.SM_70, CudaInstructionSet.ISA_70, nvvmAPI: null!);
        var entry = IsImplicitlyGrouped(method)
            ? EntryPointDescription.FromImplicitlyGroupedKernel(method)
            : EntryPointDescription.FromExplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, new KernelSpecialization());
        Assert.Contains(".entry", compiled.PTXAssembly, StringComparison.Ordinal);
        output.WriteLine($"{kernelName}: {compiled.PTXAssembly.Length} characters of PTX");
    }
}
