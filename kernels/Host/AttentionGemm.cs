using System.Runtime.CompilerServices;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// The small matrix products inside one attention tile (Q K^T, P V and the four of the backward pass),
/// on data that is already in the L1/L2 cache. A(i, kk) = a[i*ars + kk*acs] may be read transposed
/// (dS^T Q and P^T dO use acs = the row length of dS), B is row-major with row stride ldb:
/// <code>C[i, :n] = (accumulate ? C[i, :n] : 0) + alpha * sum_kk A(i, kk) B[kk, :n]</code>
/// Register blocking: 4 rows x 4 vectors (16 accumulators) with the B vectors shared by the 4 rows and
/// each A element broadcast once, the same shape as a GEMM micro-kernel; edge rows, edge vectors and the
/// last n % lanes columns fall back to narrower loops.
/// </summary>
internal static unsafe class AttentionGemm
{
    // AggressiveOptimization: unoptimised (tier-0) code of these generic routines calls every vector
    // operation through TS.*, ~50x slower, and a training step would run it for its first seconds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TV, TS>(float* a, int ars, int acs, float* b, int ldb, float* c, int ldc,
                                   int m, int n, int k, float alpha, bool accumulate)
        where TV : struct where TS : struct, IAttentionSimd<TV>
    {
        int w = TS.Lanes;
        int nVec = n - n % w;
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            int j = 0;
            for (; j + 4 * w <= nVec; j += 4 * w) Tile4x4<TV, TS>(a + i * ars, ars, acs, b + j, ldb, c + i * ldc + j, ldc, k, alpha, accumulate);
            for (; j < nVec; j += w)
                for (int r = 0; r < 4; r++) Tile1x1<TV, TS>(a + (i + r) * ars, acs, b + j, ldb, c + (i + r) * ldc + j, k, alpha, accumulate);
            for (int r = 0; r < 4; r++) ScalarTail(a + (i + r) * ars, acs, b, ldb, c + (i + r) * ldc, nVec, n, k, alpha, accumulate);
        }
        for (; i < m; i++)
        {
            int j = 0;
            for (; j + 4 * w <= nVec; j += 4 * w) Tile1x4<TV, TS>(a + i * ars, acs, b + j, ldb, c + i * ldc + j, k, alpha, accumulate);
            for (; j < nVec; j += w) Tile1x1<TV, TS>(a + i * ars, acs, b + j, ldb, c + i * ldc + j, k, alpha, accumulate);
            ScalarTail(a + i * ars, acs, b, ldb, c + i * ldc, nVec, n, k, alpha, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Put<TV, TS>(float* c, TV acc, TV alpha, bool accumulate)
        where TV : struct where TS : struct, IAttentionSimd<TV> =>
        TS.Store(c, accumulate ? TS.Fma(acc, alpha, TS.Load(c)) : TS.Mul(acc, alpha));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Tile4x4<TV, TS>(float* a, int ars, int acs, float* b, int ldb, float* c, int ldc, int k, float alpha, bool accumulate)
        where TV : struct where TS : struct, IAttentionSimd<TV>
    {
        int w = TS.Lanes;
        TV c00 = TS.Zero, c01 = TS.Zero, c02 = TS.Zero, c03 = TS.Zero;
        TV c10 = TS.Zero, c11 = TS.Zero, c12 = TS.Zero, c13 = TS.Zero;
        TV c20 = TS.Zero, c21 = TS.Zero, c22 = TS.Zero, c23 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero, c32 = TS.Zero, c33 = TS.Zero;
        float* a0 = a, a1 = a + ars, a2 = a + 2 * ars, a3 = a + 3 * ars;
        for (int kk = 0; kk < k; kk++)
        {
            float* bk = b + (long)kk * ldb;
            TV b0 = TS.Load(bk), b1 = TS.Load(bk + w), b2 = TS.Load(bk + 2 * w), b3 = TS.Load(bk + 3 * w);
            int ak = kk * acs;
            TV x = TS.Splat(a0[ak]);
            c00 = TS.Fma(x, b0, c00); c01 = TS.Fma(x, b1, c01); c02 = TS.Fma(x, b2, c02); c03 = TS.Fma(x, b3, c03);
            x = TS.Splat(a1[ak]);
            c10 = TS.Fma(x, b0, c10); c11 = TS.Fma(x, b1, c11); c12 = TS.Fma(x, b2, c12); c13 = TS.Fma(x, b3, c13);
            x = TS.Splat(a2[ak]);
            c20 = TS.Fma(x, b0, c20); c21 = TS.Fma(x, b1, c21); c22 = TS.Fma(x, b2, c22); c23 = TS.Fma(x, b3, c23);
            x = TS.Splat(a3[ak]);
            c30 = TS.Fma(x, b0, c30); c31 = TS.Fma(x, b1, c31); c32 = TS.Fma(x, b2, c32); c33 = TS.Fma(x, b3, c33);
        }
        TV al = TS.Splat(alpha);
        float* r0 = c, r1 = c + ldc, r2 = c + 2 * ldc, r3 = c + 3 * ldc;
        Put<TV, TS>(r0, c00, al, accumulate); Put<TV, TS>(r0 + w, c01, al, accumulate); Put<TV, TS>(r0 + 2 * w, c02, al, accumulate); Put<TV, TS>(r0 + 3 * w, c03, al, accumulate);
        Put<TV, TS>(r1, c10, al, accumulate); Put<TV, TS>(r1 + w, c11, al, accumulate); Put<TV, TS>(r1 + 2 * w, c12, al, accumulate); Put<TV, TS>(r1 + 3 * w, c13, al, accumulate);
        Put<TV, TS>(r2, c20, al, accumulate); Put<TV, TS>(r2 + w, c21, al, accumulate); Put<TV, TS>(r2 + 2 * w, c22, al, accumulate); Put<TV, TS>(r2 + 3 * w, c23, al, accumulate);
        Put<TV, TS>(r3, c30, al, accumulate); Put<TV, TS>(r3 + w, c31, al, accumulate); Put<TV, TS>(r3 + 2 * w, c32, al, accumulate); Put<TV, TS>(r3 + 3 * w, c33, al, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Tile1x4<TV, TS>(float* a, int acs, float* b, int ldb, float* c, int k, float alpha, bool accumulate)
        where TV : struct where TS : struct, IAttentionSimd<TV>
    {
        int w = TS.Lanes;
        TV c0 = TS.Zero, c1 = TS.Zero, c2 = TS.Zero, c3 = TS.Zero;
        for (int kk = 0; kk < k; kk++)
        {
            float* bk = b + (long)kk * ldb;
            TV x = TS.Splat(a[kk * acs]);
            c0 = TS.Fma(x, TS.Load(bk), c0); c1 = TS.Fma(x, TS.Load(bk + w), c1);
            c2 = TS.Fma(x, TS.Load(bk + 2 * w), c2); c3 = TS.Fma(x, TS.Load(bk + 3 * w), c3);
        }
        TV al = TS.Splat(alpha);
        Put<TV, TS>(c, c0, al, accumulate); Put<TV, TS>(c + w, c1, al, accumulate);
        Put<TV, TS>(c + 2 * w, c2, al, accumulate); Put<TV, TS>(c + 3 * w, c3, al, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Tile1x1<TV, TS>(float* a, int acs, float* b, int ldb, float* c, int k, float alpha, bool accumulate)
        where TV : struct where TS : struct, IAttentionSimd<TV>
    {
        TV c0 = TS.Zero;
        for (int kk = 0; kk < k; kk++) c0 = TS.Fma(TS.Splat(a[kk * acs]), TS.Load(b + (long)kk * ldb), c0);
        Put<TV, TS>(c, c0, TS.Splat(alpha), accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ScalarTail(float* a, int acs, float* b, int ldb, float* c, int from, int n, int k, float alpha, bool accumulate)
    {
        for (int j = from; j < n; j++)
        {
            float sum = 0;
            for (int kk = 0; kk < k; kk++) sum = MathF.FusedMultiplyAdd(a[kk * acs], b[(long)kk * ldb + j], sum);
            c[j] = accumulate ? c[j] + alpha * sum : alpha * sum;
        }
    }
}
