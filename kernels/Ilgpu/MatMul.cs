using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Batched GEMM, C = alpha op(A) op(B) + beta C, shared-memory tiled: each 16 x 16 thread group computes a
// 64 x 64 tile of C, each thread a 4 x 4 block of it in registers. Per step of 16 along k the group
// stages a 64 x 16 panel of op(A) and a 16 x 64 panel of op(B) in shared memory (each element read from
// global memory once per tile instead of 64 times), then every thread does 16 x 16 FMAs from 8 shared
// loads per k. The grid is (tiles along n, tiles along m, batch). MatMul launches this kernel for mid-sized
// products; ChooseTiling (MatMulLargeTiles.cs) sends m, n >= 256 to the 128 x 128 tiles there and small or
// batched products that 64 x 64 tiles would pad by more than 1.25x to the 32 x 32 tiles (MatMulSmallTiles.cs).
public sealed partial class IlgpuKernels
{
    const int TileM = 64, TileN = 64, TileK = 16, MatMulThreads = 16; // 16 x 16 threads, 4 x 4 outputs each
    // Shared panels are stored k-major with one padding column, so the stores of a transposed panel
    // (threads walking k) hit distinct banks.
    const int PanelStrideA = TileM + 1, PanelStrideB = TileN + 1;

    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulArgs>? matMul;

    /// <inheritdoc/>
    /// <remarks>
    /// ILGPU: <see cref="GemmTiling"/> picks the kernel; by default (<see cref="IlgpuGemmTiling.Auto"/>)
    /// <see cref="ChooseTiling"/> does: 128 x 128 tiles for m, n &gt;= <see cref="LargeTileMinimum"/>, 32 x 32 tiles where
    /// 64 x 64 tiles would pad C by more than 1.25x as much (small and batched products: attention heads, 32-row
    /// classifier products), else 64 x 64 tiles. All fulfil the same contract; float32 sums in different orders.
    /// </remarks>
    public void MatMul(DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c, int batch, int m, int n, int k,
                       bool transA, bool transB, long strideA, long strideB, long strideC, float alpha = 1f, float beta = 0f)
    {
        MatMulChecks.Validate(nameof(MatMul), a, b, c, batch, m, n, k, transA, transB, strideA, strideB, strideC);
        if (batch == 0 || m == 0 || n == 0) return;
        if (Accelerator.MaxNumThreadsPerGroup < MatMulThreads * MatMulThreads)
            throw new NotSupportedException($"MatMul: the tiled kernel needs groups of {MatMulThreads * MatMulThreads} threads, {Accelerator.Name} allows {Accelerator.MaxNumThreadsPerGroup}");
        var args = new MatMulArgs
        {
            M = m, N = n, K = k, TransA = transA ? 1 : 0, TransB = transB ? 1 : 0,
            // MatMulChecks.Validate guarantees (batch - 1) * stride < buffer length <= int.MaxValue.
            StrideA = batch == 1 ? 0 : (int)strideA, StrideB = batch == 1 ? 0 : (int)strideB, StrideC = batch == 1 ? 0 : (int)strideC,
            Alpha = alpha, Beta = beta,
        };
        if (GemmTiling == IlgpuGemmTiling.Tf32TensorCores)
        {
            LaunchTf32(V(a), V(b), V(c), batch, m, n, args); // MatMulTf32.cs
            return;
        }
        switch (TilingFor(m, n)) // MatMulLargeTiles.cs: GemmTiling, or ChooseTiling for Auto
        {
            case IlgpuGemmTiling.Tiles128:
                LaunchLargeTiles(V(a), V(b), V(c), batch, m, n, args); // MatMulLargeTiles.cs
                return;
            case IlgpuGemmTiling.Tiles32:
                LaunchSmallTiles(V(a), V(b), V(c), batch, m, n, args); // MatMulSmallTiles.cs
                return;
        }
        matMul ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulArgs>(MatMulTiledKernel);
        var grid = new Index3D((n + TileN - 1) / TileN, (m + TileM - 1) / TileM, batch);
        matMul(new KernelConfig(grid, new Index3D(MatMulThreads, MatMulThreads, 1)), V(a), V(b), V(c), args);
    }

    internal struct MatMulArgs
    {
        public int M, N, K, TransA, TransB, StrideA, StrideB, StrideC;
        public float Alpha, Beta;
        /// <summary>1 where the 128 x 128 kernel reads A (B) with 16-byte vector loads (MatMulLargeTiles.cs); 0 elsewhere.</summary>
        public int VecA, VecB;
        /// <summary>
        /// Split-k of the 128 x 128 kernel (MatMulLargeTiles.cs): the number of k slices (0 or 1: none), the k length
        /// of each (a multiple of the panel depth), and the batch size the grid's z index is decomposed by.
        /// </summary>
        public int KSplits, KChunk, Batch;
    }

    [IlgpuKernel]
    static void MatMulTiledKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatMulArgs p)
    {
        var panelA = SharedMemory.Allocate<float>(TileK * PanelStrideA); // panelA[kk * PanelStrideA + i] = op(A)[row0 + i, k0 + kk]
        var panelB = SharedMemory.Allocate<float>(TileK * PanelStrideB); // panelB[kk * PanelStrideB + j] = op(B)[k0 + kk, col0 + j]
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * MatMulThreads + tx;
        int row0 = Grid.IdxY * TileM, col0 = Grid.IdxX * TileN, item = Grid.IdxZ;
        int baseA = item * p.StrideA, baseB = item * p.StrideB, baseC = item * p.StrideC;

        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;

        for (int k0 = 0; k0 < p.K; k0 += TileK)
        {
            // Each panel has 1024 elements, 4 per thread. Consecutive threads take consecutive elements
            // along the operand's storage order, so global reads are coalesced for either transpose.
            for (int step = 0; step < TileM * TileK / (MatMulThreads * MatMulThreads); step++)
            {
                int e = thread + step * MatMulThreads * MatMulThreads;
                int i, kk;
                if (p.TransA != 0) { i = e % TileM; kk = e / TileM; } // A stored [k, m]: contiguous along m
                else { kk = e % TileK; i = e / TileK; }               // A stored [m, k]: contiguous along k
                int gi = row0 + i, gk = k0 + kk;
                float va = 0f;
                if (gi < p.M && gk < p.K) va = p.TransA != 0 ? a[baseA + gk * p.M + gi] : a[baseA + gi * p.K + gk];
                panelA[kk * PanelStrideA + i] = va;

                int j, kb;
                if (p.TransB != 0) { kb = e % TileK; j = e / TileK; } // B stored [n, k]: contiguous along k
                else { j = e % TileN; kb = e / TileN; }               // B stored [k, n]: contiguous along n
                int gj = col0 + j, gkb = k0 + kb;
                float vb = 0f;
                if (gj < p.N && gkb < p.K) vb = p.TransB != 0 ? b[baseB + gj * p.K + gkb] : b[baseB + gkb * p.N + gj];
                panelB[kb * PanelStrideB + j] = vb;
            }
            Group.Barrier();

            for (int kk = 0; kk < TileK; kk++)
            {
                // Thread (tx, ty) owns rows ty + 16 r and columns tx + 16 s: neighbouring threads read
                // neighbouring shared words (no bank conflicts) and write neighbouring outputs.
                int ra = kk * PanelStrideA + ty, rb = kk * PanelStrideB + tx;
                float a0 = panelA[ra], a1 = panelA[ra + 16], a2 = panelA[ra + 32], a3 = panelA[ra + 48];
                float b0 = panelB[rb], b1 = panelB[rb + 16], b2 = panelB[rb + 32], b3 = panelB[rb + 48];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            Group.Barrier(); // the panels are overwritten by the next step
        }

        int r0 = row0 + ty, cc = col0 + tx;
        StoreRow(c, baseC, p, r0, cc, 16, c00, c01, c02, c03);
        StoreRow(c, baseC, p, r0 + 16, cc, 16, c10, c11, c12, c13);
        StoreRow(c, baseC, p, r0 + 32, cc, 16, c20, c21, c22, c23);
        StoreRow(c, baseC, p, r0 + 48, cc, 16, c30, c31, c32, c33);
    }

    /// <summary>
    /// A thread's 4 outputs of one row, at columns col + q <paramref name="stride"/> (the thread-to-column spacing of its
    /// kernel: 16 here, 8 in the 32 x 32 kernel), each through <see cref="Store"/>; nothing past the last row.
    /// </summary>
    static void StoreRow(ArrayView<float> c, int baseC, MatMulArgs p, int row, int col, int stride, float v0, float v1, float v2, float v3)
    {
        if (row >= p.M) return;
        int start = baseC + row * p.N;
        Store(c, start, p, col, v0);
        Store(c, start, p, col + stride, v1);
        Store(c, start, p, col + 2 * stride, v2);
        Store(c, start, p, col + 3 * stride, v3);
    }

    /// <summary>C = alpha * acc + beta * C, reading C only when beta != 0 (with beta = 0 it may hold NaN).</summary>
    static void Store(ArrayView<float> c, int rowStart, MatMulArgs p, int col, float acc)
    {
        if (col < p.N) StoreAt(c, rowStart + col, p, acc);
    }

    /// <summary>c[i] = alpha * acc + beta * c[i], not reading c[i] when beta = 0: the one epilogue of every GEMM kernel.</summary>
    static void StoreAt(ArrayView<float> c, int i, MatMulArgs p, float acc) =>
        c[i] = p.Beta == 0f ? p.Alpha * acc : p.Alpha * acc + p.Beta * c[i];
}
