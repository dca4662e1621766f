using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// The 128-bit (Vector128) register tile of <see cref="GemmBlocked"/>, for CPUs with neither AVX2 nor
/// AVX-512 and for ARM (NEON): 6 rows x 8 columns of C in 12 accumulators, plus 2 for a row of packed B
/// and 1 broadcast of A, within x86's 16 xmm registers (ARM64 has 32; the tile leaves half unused there,
/// but stays within what the JIT allocates without spills on both). Same packed layout and contract as
/// <see cref="GemmMicroKernel512"/>. Multiply-adds are fused where the CPU has FMA (x86 FMA3, NEON) and a
/// multiply then an add otherwise (<see cref="Vector128.MultiplyAddEstimate(Vector128{float}, Vector128{float}, Vector128{float})"/>):
/// a software-emulated fused multiply-add would cost ~50x more.
/// </summary>
static unsafe class GemmMicroKernel128
{
    public const int MR = 6;
    public const int NR = 8;

    /// <summary>C[0..6, 0..8] = alpha * Ap * Bp + beta * C (C not read when beta = 0), over kc steps of packed panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel(int kc, float* ap, float* bp, float* c, long ldc, float alpha, float beta)
    {
        var c0_0 = Vector128<float>.Zero; var c0_1 = Vector128<float>.Zero;
        var c1_0 = Vector128<float>.Zero; var c1_1 = Vector128<float>.Zero;
        var c2_0 = Vector128<float>.Zero; var c2_1 = Vector128<float>.Zero;
        var c3_0 = Vector128<float>.Zero; var c3_1 = Vector128<float>.Zero;
        var c4_0 = Vector128<float>.Zero; var c4_1 = Vector128<float>.Zero;
        var c5_0 = Vector128<float>.Zero; var c5_1 = Vector128<float>.Zero;
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(c + 0 * ldc);
            Sse.Prefetch0(c + 1 * ldc);
            Sse.Prefetch0(c + 2 * ldc);
            Sse.Prefetch0(c + 3 * ldc);
            Sse.Prefetch0(c + 4 * ldc);
            Sse.Prefetch0(c + 5 * ldc);
        }
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(bp + 0); var b1 = Vector128.Load(bp + 4);
            { var a = Vector128.Create(ap[0]); c0_0 = Vector128.MultiplyAddEstimate(a, b0, c0_0); c0_1 = Vector128.MultiplyAddEstimate(a, b1, c0_1); }
            { var a = Vector128.Create(ap[1]); c1_0 = Vector128.MultiplyAddEstimate(a, b0, c1_0); c1_1 = Vector128.MultiplyAddEstimate(a, b1, c1_1); }
            { var a = Vector128.Create(ap[2]); c2_0 = Vector128.MultiplyAddEstimate(a, b0, c2_0); c2_1 = Vector128.MultiplyAddEstimate(a, b1, c2_1); }
            { var a = Vector128.Create(ap[3]); c3_0 = Vector128.MultiplyAddEstimate(a, b0, c3_0); c3_1 = Vector128.MultiplyAddEstimate(a, b1, c3_1); }
            { var a = Vector128.Create(ap[4]); c4_0 = Vector128.MultiplyAddEstimate(a, b0, c4_0); c4_1 = Vector128.MultiplyAddEstimate(a, b1, c4_1); }
            { var a = Vector128.Create(ap[5]); c5_0 = Vector128.MultiplyAddEstimate(a, b0, c5_0); c5_1 = Vector128.MultiplyAddEstimate(a, b1, c5_1); }
            ap += 6;
            bp += 8;
        }
        var va = Vector128.Create(alpha);
        if (beta == 0f)
        {
            Vector128.Store(c0_0 * va, c + 0 * ldc + 0); Vector128.Store(c0_1 * va, c + 0 * ldc + 4);
            Vector128.Store(c1_0 * va, c + 1 * ldc + 0); Vector128.Store(c1_1 * va, c + 1 * ldc + 4);
            Vector128.Store(c2_0 * va, c + 2 * ldc + 0); Vector128.Store(c2_1 * va, c + 2 * ldc + 4);
            Vector128.Store(c3_0 * va, c + 3 * ldc + 0); Vector128.Store(c3_1 * va, c + 3 * ldc + 4);
            Vector128.Store(c4_0 * va, c + 4 * ldc + 0); Vector128.Store(c4_1 * va, c + 4 * ldc + 4);
            Vector128.Store(c5_0 * va, c + 5 * ldc + 0); Vector128.Store(c5_1 * va, c + 5 * ldc + 4);
        }
        else
        {
            var vb = Vector128.Create(beta);
            Store(c0_0, va, vb, c + 0 * ldc + 0); Store(c0_1, va, vb, c + 0 * ldc + 4);
            Store(c1_0, va, vb, c + 1 * ldc + 0); Store(c1_1, va, vb, c + 1 * ldc + 4);
            Store(c2_0, va, vb, c + 2 * ldc + 0); Store(c2_1, va, vb, c + 2 * ldc + 4);
            Store(c3_0, va, vb, c + 3 * ldc + 0); Store(c3_1, va, vb, c + 3 * ldc + 4);
            Store(c4_0, va, vb, c + 4 * ldc + 0); Store(c4_1, va, vb, c + 4 * ldc + 4);
            Store(c5_0, va, vb, c + 5 * ldc + 0); Store(c5_1, va, vb, c + 5 * ldc + 4);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(Vector128<float> acc, Vector128<float> alpha, Vector128<float> beta, float* c) =>
        Vector128.Store(Vector128.MultiplyAddEstimate(acc, alpha, beta * Vector128.Load(c)), c);
}
