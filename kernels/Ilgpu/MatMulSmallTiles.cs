using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// GEMM with 32 x 32 output tiles for small and batched products (issue 18: attention heads, T x T x D and
// T x D x T per (batch, head) with T ~ 20-40; the pooler's and classifier's 32-row products), which the 64 x 64
// kernel pads to whole 64 x 64 tiles (a 20 x 20 product uses 10% of its group). C = alpha op(A) op(B) + beta C
// with MatMul.cs's semantics (beta = 0 never reads C); the grid is (n / 32, m / 32, batch).
//
// Layout: 8 x 8 threads, each accumulating a 4 x 4 block of C in registers: thread (tx, ty) owns rows ty + 8 i
// and columns tx + 8 j. That keeps the 64 x 64 kernel's ratio of 8 shared loads per 16 multiply-adds per k step
// (16 x 16 threads with 2 x 2 outputs would need 4 loads per 4 FMAs: twice the shared-memory instructions per
// output, and shared-load throughput, one warp instruction per clock per SM, is what bounds these kernels), so
// the cost per padded output is the same as in the 64 x 64 kernel and the padded area alone decides between
// the two (IlgpuKernels.ChooseTiling). Groups of 64 threads (2 warps) are fine for the batched case: B H = 384
// items of 32 x 32 give 384 groups, ~3 per SM on an H200, as the 64 x 64 kernel's 256-thread groups would.
//
// k panels of 16 are double-buffered in shared memory as in MatMulLargeTiles.cs: each thread's 8 + 8 global loads
// of the next panel go into registers before the current panel's FMAs and are stored into the other buffer after
// them, so their latency is hidden and one barrier per panel suffices (loading straight into shared memory, one
// element after another, would wait for each global load in turn). The last panel's FMAs stop at k, not at 16.
// The transposed layouts are read in place: along the operand's contiguous axis, neighbouring threads take
// neighbouring elements (16 or 32 consecutive floats per warp and row).
//
// No separate kernel for skinny products (m n tiny, k long: the classifier's 32 x 3 x 768): see bench/gpu/NOTES.md.
public sealed partial class IlgpuKernels
{
    const int StM = 32, StN = 32, StK = 16, StThreads = 8; // 8 x 8 threads, 4 x 4 outputs each
    // k-major panels padded to 34 floats per k: the stores of a non-transposed panel (a warp covers 16 k of 2
    // rows) hit banks (2 kk + i) mod 32, all distinct; 33 would give 2-way conflicts.
    const int StStride = StM + 2, StPanel = StK * StStride;

    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulArgs>? matMulSmall;

    /// <summary>Launches the 32 x 32 kernel; the caller (<see cref="MatMul"/>) has checked the arguments.</summary>
    void LaunchSmallTiles(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int batch, int m, int n, MatMulArgs args)
    {
        matMulSmall ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulArgs>(MatMulSmallTileKernel);
        var grid = new Index3D((n + StN - 1) / StN, (m + StM - 1) / StM, batch);
        matMulSmall(new KernelConfig(grid, new Index3D(StThreads, StThreads, 1)), a, b, c, args);
    }

    [IlgpuKernel]
    static void MatMulSmallTileKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatMulArgs p)
    {
        var sa = SharedMemory.Allocate<float>(2 * StPanel); // sa[buf * StPanel + kk * StStride + i] = op(A)[row0 + i, k0 + kk]
        var sb = SharedMemory.Allocate<float>(2 * StPanel); // sb[buf * StPanel + kk * StStride + j] = op(B)[k0 + kk, col0 + j]
        int tx = Group.IdxX, ty = Group.IdxY, t = ty * StThreads + tx;
        int row0 = Grid.IdxY * StM, col0 = Grid.IdxX * StN, item = Grid.IdxZ;
        int baseA = item * p.StrideA, baseB = item * p.StrideB, baseC = item * p.StrideC;

        // Each thread loads 8 elements of each 32 x 16 panel, element q at (i + q di, kk + q dk). A stored [k, m]
        // (contiguous along m): i = t % 32, kk = t / 32 + 2q; A stored [m, k]: kk = t % 16, i = t / 16 + 4q.
        // B likewise, with n for m ([n, k] is B transposed).
        int aI, aDi, aK, aDk, bJ, bDj, bK, bDk;
        if (p.TransA != 0) { aI = t & 31; aDi = 0; aK = t >> 5; aDk = 2; } else { aI = t >> 4; aDi = 4; aK = t & 15; aDk = 0; }
        if (p.TransB != 0) { bJ = t >> 4; bDj = 4; bK = t & 15; bDk = 0; } else { bJ = t & 31; bDj = 0; bK = t >> 5; bDk = 2; }
        int ai = row0 + aI, bj = col0 + bJ;

        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;

        int panels = (p.K + StK - 1) / StK;
        float pa0 = OpA(a, p, baseA, ai, aK), pa1 = OpA(a, p, baseA, ai + aDi, aK + aDk);
        float pa2 = OpA(a, p, baseA, ai + 2 * aDi, aK + 2 * aDk), pa3 = OpA(a, p, baseA, ai + 3 * aDi, aK + 3 * aDk);
        float pa4 = OpA(a, p, baseA, ai + 4 * aDi, aK + 4 * aDk), pa5 = OpA(a, p, baseA, ai + 5 * aDi, aK + 5 * aDk);
        float pa6 = OpA(a, p, baseA, ai + 6 * aDi, aK + 6 * aDk), pa7 = OpA(a, p, baseA, ai + 7 * aDi, aK + 7 * aDk);
        float pb0 = OpB(b, p, baseB, bj, bK), pb1 = OpB(b, p, baseB, bj + bDj, bK + bDk);
        float pb2 = OpB(b, p, baseB, bj + 2 * bDj, bK + 2 * bDk), pb3 = OpB(b, p, baseB, bj + 3 * bDj, bK + 3 * bDk);
        float pb4 = OpB(b, p, baseB, bj + 4 * bDj, bK + 4 * bDk), pb5 = OpB(b, p, baseB, bj + 5 * bDj, bK + 5 * bDk);
        float pb6 = OpB(b, p, baseB, bj + 6 * bDj, bK + 6 * bDk), pb7 = OpB(b, p, baseB, bj + 7 * bDj, bK + 7 * bDk);
        StoreSmallPanel(sa, 0, aK, aDk, aI, aDi, pa0, pa1, pa2, pa3, pa4, pa5, pa6, pa7);
        StoreSmallPanel(sb, 0, bK, bDk, bJ, bDj, pb0, pb1, pb2, pb3, pb4, pb5, pb6, pb7);
        Group.Barrier();

        for (int panel = 0; panel < panels; panel++)
        {
            int buf = panel & 1;
            bool more = panel + 1 < panels;
            if (more)
            {
                // The next panel's loads are issued before this panel's FMAs, so their latency is hidden.
                int ka = (panel + 1) * StK + aK, kb = (panel + 1) * StK + bK;
                pa0 = OpA(a, p, baseA, ai, ka); pa1 = OpA(a, p, baseA, ai + aDi, ka + aDk);
                pa2 = OpA(a, p, baseA, ai + 2 * aDi, ka + 2 * aDk); pa3 = OpA(a, p, baseA, ai + 3 * aDi, ka + 3 * aDk);
                pa4 = OpA(a, p, baseA, ai + 4 * aDi, ka + 4 * aDk); pa5 = OpA(a, p, baseA, ai + 5 * aDi, ka + 5 * aDk);
                pa6 = OpA(a, p, baseA, ai + 6 * aDi, ka + 6 * aDk); pa7 = OpA(a, p, baseA, ai + 7 * aDi, ka + 7 * aDk);
                pb0 = OpB(b, p, baseB, bj, kb); pb1 = OpB(b, p, baseB, bj + bDj, kb + bDk);
                pb2 = OpB(b, p, baseB, bj + 2 * bDj, kb + 2 * bDk); pb3 = OpB(b, p, baseB, bj + 3 * bDj, kb + 3 * bDk);
                pb4 = OpB(b, p, baseB, bj + 4 * bDj, kb + 4 * bDk); pb5 = OpB(b, p, baseB, bj + 5 * bDj, kb + 5 * bDk);
                pb6 = OpB(b, p, baseB, bj + 6 * bDj, kb + 6 * bDk); pb7 = OpB(b, p, baseB, bj + 7 * bDj, kb + 7 * bDk);
            }
            // Past k the panel holds zeros; the last panel's loop stops at k instead of multiplying them.
            int depth = Math.Min(StK, p.K - panel * StK);
            for (int kk = 0; kk < depth; kk++)
            {
                // A warp (4 rows ty, 8 columns tx) reads 4 consecutive words of A (broadcast) and 8 of B: no bank conflicts.
                int ra = buf * StPanel + kk * StStride + ty, rb = buf * StPanel + kk * StStride + tx;
                float a0 = sa[ra], a1 = sa[ra + 8], a2 = sa[ra + 16], a3 = sa[ra + 24];
                float b0 = sb[rb], b1 = sb[rb + 8], b2 = sb[rb + 16], b3 = sb[rb + 24];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            if (more)
            {
                // The other buffer was last read in the previous panel, before the barrier that ended it.
                StoreSmallPanel(sa, 1 - buf, aK, aDk, aI, aDi, pa0, pa1, pa2, pa3, pa4, pa5, pa6, pa7);
                StoreSmallPanel(sb, 1 - buf, bK, bDk, bJ, bDj, pb0, pb1, pb2, pb3, pb4, pb5, pb6, pb7);
            }
            Group.Barrier();
        }

        StoreRow(c, baseC, p, row0 + ty, col0 + tx, 8, c00, c01, c02, c03);
        StoreRow(c, baseC, p, row0 + ty + 8, col0 + tx, 8, c10, c11, c12, c13);
        StoreRow(c, baseC, p, row0 + ty + 16, col0 + tx, 8, c20, c21, c22, c23);
        StoreRow(c, baseC, p, row0 + ty + 24, col0 + tx, 8, c30, c31, c32, c33);
    }

    /// <summary>op(A)[gi, gk], or 0 outside the matrix (the panel's padding).</summary>
    static float OpA(ArrayView<float> a, MatMulArgs p, int baseA, int gi, int gk) =>
        gi < p.M && gk < p.K ? (p.TransA != 0 ? a[baseA + gk * p.M + gi] : a[baseA + gi * p.K + gk]) : 0f;

    /// <summary>op(B)[gk, gj], or 0 outside the matrix.</summary>
    static float OpB(ArrayView<float> b, MatMulArgs p, int baseB, int gj, int gk) =>
        gj < p.N && gk < p.K ? (p.TransB != 0 ? b[baseB + gj * p.K + gk] : b[baseB + gk * p.N + gj]) : 0f;

    /// <summary>Stores a thread's 8 staged elements, element q at panel position (k + q dk, index + q di).</summary>
    static void StoreSmallPanel(ArrayView<float> panel, int buf, int k, int dk, int index, int di,
                                float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7)
    {
        int start = buf * StPanel + k * StStride + index, step = dk * StStride + di;
        panel[start] = v0;
        panel[start + step] = v1;
        panel[start + 2 * step] = v2;
        panel[start + 3 * step] = v3;
        panel[start + 4 * step] = v4;
        panel[start + 5 * step] = v5;
        panel[start + 6 * step] = v6;
        panel[start + 7 * step] = v7;
    }
}
