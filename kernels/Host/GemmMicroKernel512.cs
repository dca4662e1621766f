using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// The AVX-512 register tile of <see cref="GemmBlocked"/>: 14 rows x 32 columns of C held in 28 zmm
/// accumulators (2 per row), plus 2 registers for a row of packed B and 1 broadcast of A: 31 of the 32
/// zmm registers, so the loop runs without spills. Each k step loads 2 vectors of B and broadcasts 14
/// scalars of A for 28 FMAs, which keeps both FMA pipes busy with loads to spare, and 28 independent
/// accumulators cover the FMA latency (4 cycles x 2 pipes = 8 needed).
/// Ap holds kc steps of 14 floats (one per row), Bp kc steps of 32 floats; both are zero-padded at the
/// matrix edges, so the tile is always full and partial tiles are cut out by the caller.
/// Written out by hand (not looped over arrays) because the JIT keeps only named locals in registers.
/// </summary>
static unsafe class GemmMicroKernel512
{
    public const int MR = 14;
    public const int NR = 32;

    /// <summary>C[0..14, 0..32] = alpha * Ap * Bp + beta * C (C not read when beta = 0), over kc steps of packed panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel(int kc, float* ap, float* bp, float* c, long ldc, float alpha, float beta)
    {
        var c0_0 = Vector512<float>.Zero; var c0_1 = Vector512<float>.Zero;
        var c1_0 = Vector512<float>.Zero; var c1_1 = Vector512<float>.Zero;
        var c2_0 = Vector512<float>.Zero; var c2_1 = Vector512<float>.Zero;
        var c3_0 = Vector512<float>.Zero; var c3_1 = Vector512<float>.Zero;
        var c4_0 = Vector512<float>.Zero; var c4_1 = Vector512<float>.Zero;
        var c5_0 = Vector512<float>.Zero; var c5_1 = Vector512<float>.Zero;
        var c6_0 = Vector512<float>.Zero; var c6_1 = Vector512<float>.Zero;
        var c7_0 = Vector512<float>.Zero; var c7_1 = Vector512<float>.Zero;
        var c8_0 = Vector512<float>.Zero; var c8_1 = Vector512<float>.Zero;
        var c9_0 = Vector512<float>.Zero; var c9_1 = Vector512<float>.Zero;
        var c10_0 = Vector512<float>.Zero; var c10_1 = Vector512<float>.Zero;
        var c11_0 = Vector512<float>.Zero; var c11_1 = Vector512<float>.Zero;
        var c12_0 = Vector512<float>.Zero; var c12_1 = Vector512<float>.Zero;
        var c13_0 = Vector512<float>.Zero; var c13_1 = Vector512<float>.Zero;
        // C's rows are far apart (one cache line each, often missing every cache level): start fetching
        // them now so that the write-back after the k loop does not stall on them.
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(c + 0 * ldc + 0); Sse.Prefetch0(c + 0 * ldc + 16); Sse.Prefetch0(c + 0 * ldc + 31);
            Sse.Prefetch0(c + 1 * ldc + 0); Sse.Prefetch0(c + 1 * ldc + 16); Sse.Prefetch0(c + 1 * ldc + 31);
            Sse.Prefetch0(c + 2 * ldc + 0); Sse.Prefetch0(c + 2 * ldc + 16); Sse.Prefetch0(c + 2 * ldc + 31);
            Sse.Prefetch0(c + 3 * ldc + 0); Sse.Prefetch0(c + 3 * ldc + 16); Sse.Prefetch0(c + 3 * ldc + 31);
            Sse.Prefetch0(c + 4 * ldc + 0); Sse.Prefetch0(c + 4 * ldc + 16); Sse.Prefetch0(c + 4 * ldc + 31);
            Sse.Prefetch0(c + 5 * ldc + 0); Sse.Prefetch0(c + 5 * ldc + 16); Sse.Prefetch0(c + 5 * ldc + 31);
            Sse.Prefetch0(c + 6 * ldc + 0); Sse.Prefetch0(c + 6 * ldc + 16); Sse.Prefetch0(c + 6 * ldc + 31);
            Sse.Prefetch0(c + 7 * ldc + 0); Sse.Prefetch0(c + 7 * ldc + 16); Sse.Prefetch0(c + 7 * ldc + 31);
            Sse.Prefetch0(c + 8 * ldc + 0); Sse.Prefetch0(c + 8 * ldc + 16); Sse.Prefetch0(c + 8 * ldc + 31);
            Sse.Prefetch0(c + 9 * ldc + 0); Sse.Prefetch0(c + 9 * ldc + 16); Sse.Prefetch0(c + 9 * ldc + 31);
            Sse.Prefetch0(c + 10 * ldc + 0); Sse.Prefetch0(c + 10 * ldc + 16); Sse.Prefetch0(c + 10 * ldc + 31);
            Sse.Prefetch0(c + 11 * ldc + 0); Sse.Prefetch0(c + 11 * ldc + 16); Sse.Prefetch0(c + 11 * ldc + 31);
            Sse.Prefetch0(c + 12 * ldc + 0); Sse.Prefetch0(c + 12 * ldc + 16); Sse.Prefetch0(c + 12 * ldc + 31);
            Sse.Prefetch0(c + 13 * ldc + 0); Sse.Prefetch0(c + 13 * ldc + 16); Sse.Prefetch0(c + 13 * ldc + 31);
        }
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(bp + 0); var b1 = Vector512.Load(bp + 16);
            { var a = Vector512.Create(ap[0]); c0_0 = Vector512.FusedMultiplyAdd(a, b0, c0_0); c0_1 = Vector512.FusedMultiplyAdd(a, b1, c0_1); }
            { var a = Vector512.Create(ap[1]); c1_0 = Vector512.FusedMultiplyAdd(a, b0, c1_0); c1_1 = Vector512.FusedMultiplyAdd(a, b1, c1_1); }
            { var a = Vector512.Create(ap[2]); c2_0 = Vector512.FusedMultiplyAdd(a, b0, c2_0); c2_1 = Vector512.FusedMultiplyAdd(a, b1, c2_1); }
            { var a = Vector512.Create(ap[3]); c3_0 = Vector512.FusedMultiplyAdd(a, b0, c3_0); c3_1 = Vector512.FusedMultiplyAdd(a, b1, c3_1); }
            { var a = Vector512.Create(ap[4]); c4_0 = Vector512.FusedMultiplyAdd(a, b0, c4_0); c4_1 = Vector512.FusedMultiplyAdd(a, b1, c4_1); }
            { var a = Vector512.Create(ap[5]); c5_0 = Vector512.FusedMultiplyAdd(a, b0, c5_0); c5_1 = Vector512.FusedMultiplyAdd(a, b1, c5_1); }
            { var a = Vector512.Create(ap[6]); c6_0 = Vector512.FusedMultiplyAdd(a, b0, c6_0); c6_1 = Vector512.FusedMultiplyAdd(a, b1, c6_1); }
            { var a = Vector512.Create(ap[7]); c7_0 = Vector512.FusedMultiplyAdd(a, b0, c7_0); c7_1 = Vector512.FusedMultiplyAdd(a, b1, c7_1); }
            { var a = Vector512.Create(ap[8]); c8_0 = Vector512.FusedMultiplyAdd(a, b0, c8_0); c8_1 = Vector512.FusedMultiplyAdd(a, b1, c8_1); }
            { var a = Vector512.Create(ap[9]); c9_0 = Vector512.FusedMultiplyAdd(a, b0, c9_0); c9_1 = Vector512.FusedMultiplyAdd(a, b1, c9_1); }
            { var a = Vector512.Create(ap[10]); c10_0 = Vector512.FusedMultiplyAdd(a, b0, c10_0); c10_1 = Vector512.FusedMultiplyAdd(a, b1, c10_1); }
            { var a = Vector512.Create(ap[11]); c11_0 = Vector512.FusedMultiplyAdd(a, b0, c11_0); c11_1 = Vector512.FusedMultiplyAdd(a, b1, c11_1); }
            { var a = Vector512.Create(ap[12]); c12_0 = Vector512.FusedMultiplyAdd(a, b0, c12_0); c12_1 = Vector512.FusedMultiplyAdd(a, b1, c12_1); }
            { var a = Vector512.Create(ap[13]); c13_0 = Vector512.FusedMultiplyAdd(a, b0, c13_0); c13_1 = Vector512.FusedMultiplyAdd(a, b1, c13_1); }
            ap += 14;
            bp += 32;
        }
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Vector512.Store(c0_0 * va, c + 0 * ldc + 0); Vector512.Store(c0_1 * va, c + 0 * ldc + 16);
            Vector512.Store(c1_0 * va, c + 1 * ldc + 0); Vector512.Store(c1_1 * va, c + 1 * ldc + 16);
            Vector512.Store(c2_0 * va, c + 2 * ldc + 0); Vector512.Store(c2_1 * va, c + 2 * ldc + 16);
            Vector512.Store(c3_0 * va, c + 3 * ldc + 0); Vector512.Store(c3_1 * va, c + 3 * ldc + 16);
            Vector512.Store(c4_0 * va, c + 4 * ldc + 0); Vector512.Store(c4_1 * va, c + 4 * ldc + 16);
            Vector512.Store(c5_0 * va, c + 5 * ldc + 0); Vector512.Store(c5_1 * va, c + 5 * ldc + 16);
            Vector512.Store(c6_0 * va, c + 6 * ldc + 0); Vector512.Store(c6_1 * va, c + 6 * ldc + 16);
            Vector512.Store(c7_0 * va, c + 7 * ldc + 0); Vector512.Store(c7_1 * va, c + 7 * ldc + 16);
            Vector512.Store(c8_0 * va, c + 8 * ldc + 0); Vector512.Store(c8_1 * va, c + 8 * ldc + 16);
            Vector512.Store(c9_0 * va, c + 9 * ldc + 0); Vector512.Store(c9_1 * va, c + 9 * ldc + 16);
            Vector512.Store(c10_0 * va, c + 10 * ldc + 0); Vector512.Store(c10_1 * va, c + 10 * ldc + 16);
            Vector512.Store(c11_0 * va, c + 11 * ldc + 0); Vector512.Store(c11_1 * va, c + 11 * ldc + 16);
            Vector512.Store(c12_0 * va, c + 12 * ldc + 0); Vector512.Store(c12_1 * va, c + 12 * ldc + 16);
            Vector512.Store(c13_0 * va, c + 13 * ldc + 0); Vector512.Store(c13_1 * va, c + 13 * ldc + 16);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Store(c0_0, va, vb, c + 0 * ldc + 0); Store(c0_1, va, vb, c + 0 * ldc + 16);
            Store(c1_0, va, vb, c + 1 * ldc + 0); Store(c1_1, va, vb, c + 1 * ldc + 16);
            Store(c2_0, va, vb, c + 2 * ldc + 0); Store(c2_1, va, vb, c + 2 * ldc + 16);
            Store(c3_0, va, vb, c + 3 * ldc + 0); Store(c3_1, va, vb, c + 3 * ldc + 16);
            Store(c4_0, va, vb, c + 4 * ldc + 0); Store(c4_1, va, vb, c + 4 * ldc + 16);
            Store(c5_0, va, vb, c + 5 * ldc + 0); Store(c5_1, va, vb, c + 5 * ldc + 16);
            Store(c6_0, va, vb, c + 6 * ldc + 0); Store(c6_1, va, vb, c + 6 * ldc + 16);
            Store(c7_0, va, vb, c + 7 * ldc + 0); Store(c7_1, va, vb, c + 7 * ldc + 16);
            Store(c8_0, va, vb, c + 8 * ldc + 0); Store(c8_1, va, vb, c + 8 * ldc + 16);
            Store(c9_0, va, vb, c + 9 * ldc + 0); Store(c9_1, va, vb, c + 9 * ldc + 16);
            Store(c10_0, va, vb, c + 10 * ldc + 0); Store(c10_1, va, vb, c + 10 * ldc + 16);
            Store(c11_0, va, vb, c + 11 * ldc + 0); Store(c11_1, va, vb, c + 11 * ldc + 16);
            Store(c12_0, va, vb, c + 12 * ldc + 0); Store(c12_1, va, vb, c + 12 * ldc + 16);
            Store(c13_0, va, vb, c + 13 * ldc + 0); Store(c13_1, va, vb, c + 13 * ldc + 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(Vector512<float> acc, Vector512<float> alpha, Vector512<float> beta, float* c) =>
        Vector512.Store(Vector512.FusedMultiplyAdd(acc, alpha, beta * Vector512.Load(c)), c);
}
