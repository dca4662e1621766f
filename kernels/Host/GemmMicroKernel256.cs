using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// The AVX2 (Vector256) register tile of <see cref="GemmBlocked"/> for CPUs without AVX-512: 6 rows x
/// 16 columns of C in 12 ymm accumulators, plus 2 for a row of packed B and 1 broadcast of A, within
/// the 16 ymm registers (the classic Haswell/Zen shape). Same packed layout and contract as
/// <see cref="GemmMicroKernel512"/>.
/// </summary>
static unsafe class GemmMicroKernel256
{
    public const int MR = 6;
    public const int NR = 16;

    /// <summary>C[0..6, 0..16] = alpha * Ap * Bp + beta * C (C not read when beta = 0), over kc steps of packed panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel(int kc, float* ap, float* bp, float* c, long ldc, float alpha, float beta)
    {
        var c0_0 = Vector256<float>.Zero; var c0_1 = Vector256<float>.Zero;
        var c1_0 = Vector256<float>.Zero; var c1_1 = Vector256<float>.Zero;
        var c2_0 = Vector256<float>.Zero; var c2_1 = Vector256<float>.Zero;
        var c3_0 = Vector256<float>.Zero; var c3_1 = Vector256<float>.Zero;
        var c4_0 = Vector256<float>.Zero; var c4_1 = Vector256<float>.Zero;
        var c5_0 = Vector256<float>.Zero; var c5_1 = Vector256<float>.Zero;
        // C's rows are far apart (one cache line each, often missing every cache level): start fetching
        // them now so that the write-back after the k loop does not stall on them.
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(c + 0 * ldc + 0); Sse.Prefetch0(c + 0 * ldc + 15);
            Sse.Prefetch0(c + 1 * ldc + 0); Sse.Prefetch0(c + 1 * ldc + 15);
            Sse.Prefetch0(c + 2 * ldc + 0); Sse.Prefetch0(c + 2 * ldc + 15);
            Sse.Prefetch0(c + 3 * ldc + 0); Sse.Prefetch0(c + 3 * ldc + 15);
            Sse.Prefetch0(c + 4 * ldc + 0); Sse.Prefetch0(c + 4 * ldc + 15);
            Sse.Prefetch0(c + 5 * ldc + 0); Sse.Prefetch0(c + 5 * ldc + 15);
        }
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(bp + 0); var b1 = Vector256.Load(bp + 8);
            { var a = Vector256.Create(ap[0]); c0_0 = Vector256.FusedMultiplyAdd(a, b0, c0_0); c0_1 = Vector256.FusedMultiplyAdd(a, b1, c0_1); }
            { var a = Vector256.Create(ap[1]); c1_0 = Vector256.FusedMultiplyAdd(a, b0, c1_0); c1_1 = Vector256.FusedMultiplyAdd(a, b1, c1_1); }
            { var a = Vector256.Create(ap[2]); c2_0 = Vector256.FusedMultiplyAdd(a, b0, c2_0); c2_1 = Vector256.FusedMultiplyAdd(a, b1, c2_1); }
            { var a = Vector256.Create(ap[3]); c3_0 = Vector256.FusedMultiplyAdd(a, b0, c3_0); c3_1 = Vector256.FusedMultiplyAdd(a, b1, c3_1); }
            { var a = Vector256.Create(ap[4]); c4_0 = Vector256.FusedMultiplyAdd(a, b0, c4_0); c4_1 = Vector256.FusedMultiplyAdd(a, b1, c4_1); }
            { var a = Vector256.Create(ap[5]); c5_0 = Vector256.FusedMultiplyAdd(a, b0, c5_0); c5_1 = Vector256.FusedMultiplyAdd(a, b1, c5_1); }
            ap += 6;
            bp += 16;
        }
        var va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Vector256.Store(c0_0 * va, c + 0 * ldc + 0); Vector256.Store(c0_1 * va, c + 0 * ldc + 8);
            Vector256.Store(c1_0 * va, c + 1 * ldc + 0); Vector256.Store(c1_1 * va, c + 1 * ldc + 8);
            Vector256.Store(c2_0 * va, c + 2 * ldc + 0); Vector256.Store(c2_1 * va, c + 2 * ldc + 8);
            Vector256.Store(c3_0 * va, c + 3 * ldc + 0); Vector256.Store(c3_1 * va, c + 3 * ldc + 8);
            Vector256.Store(c4_0 * va, c + 4 * ldc + 0); Vector256.Store(c4_1 * va, c + 4 * ldc + 8);
            Vector256.Store(c5_0 * va, c + 5 * ldc + 0); Vector256.Store(c5_1 * va, c + 5 * ldc + 8);
        }
        else
        {
            var vb = Vector256.Create(beta);
            Store(c0_0, va, vb, c + 0 * ldc + 0); Store(c0_1, va, vb, c + 0 * ldc + 8);
            Store(c1_0, va, vb, c + 1 * ldc + 0); Store(c1_1, va, vb, c + 1 * ldc + 8);
            Store(c2_0, va, vb, c + 2 * ldc + 0); Store(c2_1, va, vb, c + 2 * ldc + 8);
            Store(c3_0, va, vb, c + 3 * ldc + 0); Store(c3_1, va, vb, c + 3 * ldc + 8);
            Store(c4_0, va, vb, c + 4 * ldc + 0); Store(c4_1, va, vb, c + 4 * ldc + 8);
            Store(c5_0, va, vb, c + 5 * ldc + 0); Store(c5_1, va, vb, c + 5 * ldc + 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(Vector256<float> acc, Vector256<float> alpha, Vector256<float> beta, float* c) =>
        Vector256.Store(Vector256.FusedMultiplyAdd(acc, alpha, beta * Vector256.Load(c)), c);
}
