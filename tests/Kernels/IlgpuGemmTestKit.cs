using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using NativeDsp.Kernels.Ilgpu;
using NativeDsp.Tests.References;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// What the tests of the ILGPU GEMM kernels (32 x 32, 64 x 64 and 128 x 128 tiles, split-k, vector loads) share: a
/// forced-kernel run on ILGPU's CPU accelerator checked against <see cref="MatMulReference"/>, and a kernel's PTX.
/// </summary>
static class IlgpuGemmTestKit
{
    /// <summary>The ILGPU CPU accelerator backend the GEMM tests run on.</summary>
    public static IlgpuKernels Gpu => (IlgpuKernels)TestBackends.Get("ilgpu-cpu");

    /// <summary>Uniform values in [-1, 1).</summary>
    public static float[] Values(Random rng, int n) => Enumerable.Range(0, n).Select(_ => rng.NextSingle() * 2f - 1f).ToArray();

    /// <summary>
    /// Runs MatMul with <paramref name="tiling"/> forced (Auto restored afterwards) and checks every element against the
    /// double reference. Tolerance as <see cref="MatMulTests"/>: 4 (sqrt(k) + 2) eps times sum_p |alpha a_ip b_pj| +
    /// |beta c_ij| (float32 sums of k terms in any order, plus alpha and beta); a wrong or missing term is hundreds of
    /// times larger. Returns the result, for bit-for-bit comparisons between paths.
    /// </summary>
    public static float[] Check(IlgpuGemmTiling tiling, float[] a, float[] b, float[] c, int batch, int m, int n, int k,
                                bool transA, bool transB, long strideA, long strideB, long strideC, float alpha, float beta)
    {
        var (expected, magnitude) = MatMulReference.Run(a, b, c, batch, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta);
        var gpu = Gpu;
        gpu.GemmTiling = tiling;
        try
        {
            using var da = gpu.Allocate(a.Length);
            using var db = gpu.Allocate(b.Length);
            using var dc = gpu.Allocate(c.Length);
            da.CopyFrom(a);
            db.CopyFrom(b);
            dc.CopyFrom(c);
            gpu.MatMul(da, db, dc, batch, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta);
            var actual = dc.ToArray();
            double tolerance = 4 * (Math.Sqrt(k) + 2) / (1 << 24);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * magnitude[i],
                    $"{tiling} b={batch} m={m} n={n} k={k} transA={transA} transB={transB}: element {i} is {actual[i]}, expected {expected[i]} (allowed {tolerance * magnitude[i]:G3})");
            return actual;
        }
        finally
        {
            gpu.GemmTiling = IlgpuGemmTiling.Auto;
        }
    }

    /// <summary>The PTX (sm_70) of an explicitly grouped kernel of <see cref="IlgpuKernels"/>, by its method name.</summary>
    public static string Ptx(string kernelName)
    {
        var method = typeof(IlgpuKernels).GetMethod(kernelName, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        using var context = Context.Create(b => IlgpuKernels.Configure(b));
        using var backend = new PTXBackend(context, CudaArchitecture.SM_70, CudaInstructionSet.ISA_70, nvvmAPI: null!);
        return ((PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), new KernelSpecialization())).PTXAssembly;
    }
}
