using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

/// <summary>Four consecutive floats, the unit of a 16-byte vector load in the GEMM kernels (field order = memory order).</summary>
internal struct Float4
{
    public float X, Y, Z, W;
}

/// <summary>Which tiled GEMM kernel <see cref="IlgpuKernels.MatMul"/> launches.</summary>
public enum IlgpuGemmTiling
{
    /// <summary>
    /// <see cref="IlgpuKernels.ChooseTiling"/>: 128 x 128 tiles where both m and n reach <see cref="IlgpuKernels.LargeTileMinimum"/>,
    /// 32 x 32 tiles where 64 x 64 tiles would pad the product to more than 1.25x the 32 x 32 tiles' area, else 64 x 64 tiles.
    /// </summary>
    Auto,
    /// <summary>Always the 64 x 64 tiles (4 x 4 outputs per thread): the older kernel, less waste than 128 x 128 on mid-sized products.</summary>
    Tiles64,
    /// <summary>Always the 128 x 128 tiles (8 x 8 outputs per thread, double-buffered shared memory).</summary>
    Tiles128,
    /// <summary>
    /// TF32 tensor cores (mma.sync through inline PTX, MatMulTf32.cs): CUDA with compute capability 8.0 or newer only
    /// (<see cref="IlgpuKernels.SupportsTf32TensorCores"/>; MatMul throws <see cref="NotSupportedException"/> elsewhere).
    /// The inputs are rounded to TF32's 10-bit mantissa, so results differ from float32 by up to ~2^-11 |A| |B|: opt-in only.
    /// </summary>
    Tf32TensorCores,
    /// <summary>Always the 32 x 32 tiles (MatMulSmallTiles.cs: 8 x 8 threads with 4 x 4 outputs each, double-buffered shared memory).</summary>
    Tiles32,
}

// GEMM with 128 x 128 output tiles for large products (issue 18): 16 x 16 threads, each accumulating an 8 x 8
// block of C in registers (64 FMAs per 16 shared loads, against 16 per 8 in the 64 x 64 kernel), over k panels
// of 8 held in double-buffered shared memory: while the group multiplies one panel, each thread's global loads
// for the next are already in flight into registers, and they are stored into the other buffer afterwards, so
// one barrier per panel suffices. Thread (tx, ty) owns rows ty + 16 i and columns tx + 16 j: a warp's shared
// reads are one broadcast (A) and 16 consecutive words (B), free of bank conflicts, and its stores to C are
// coalesced. The transposed layouts are read in place.
//
// Global loads: each thread brings 4 elements of each operand's 128 x 8 panel per k step, 4 consecutive
// elements along the operand's contiguous axis. Where that axis's length, the batch stride and the view's
// address are multiples of 16 bytes (decided on the host, MatMulArgs.VecA / VecB), the 4 elements are one
// 16-byte load (ld.v4.f32 in the PTX: a float4 view made with ArrayView.Cast; ILGPU's pointer-alignment
// analysis takes a 16-byte struct as 16-byte aligned and vectorises the load), so a warp reads 512 contiguous
// bytes with 32 loads instead of 128. Otherwise (a length that is not a multiple of 4: the vector
// would straddle a row end; a misaligned slice) the same elements are 4 scalar loads.
// The grid is (n / 128, m / 128, batch).
public sealed partial class IlgpuKernels
{
    const int LtM = 128, LtN = 128, LtK = 8;
    // k-major panels with 4 floats of padding: the non-transposed A stores (rows t/2, k 0 or 4) hit distinct banks.
    const int LtStride = LtM + 4, LtPanel = LtK * LtStride;

    /// <summary>Smallest m and n for which <see cref="IlgpuGemmTiling.Auto"/> picks the 128 x 128 tiles.</summary>
    public const int LargeTileMinimum = 256;

    /// <summary>
    /// The GEMM kernel choice (default <see cref="IlgpuGemmTiling.Auto"/>): tests force each kernel on shapes of
    /// every size; benchmarks compare them. Not thread-safe to change while other threads launch MatMul.
    /// </summary>
    public IlgpuGemmTiling GemmTiling { get; set; } = IlgpuGemmTiling.Auto;

    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulArgs>? matMulLarge;

    /// <summary>
    /// Whether the 128 x 128 GEMM may read an operand with 16-byte vector loads where its layout allows (default
    /// true). False forces the scalar loads everywhere: tests check both paths; the GPU check times both.
    /// </summary>
    public bool VectorLoads { get; set; } = true;

    long vectorGemmLaunches;

    /// <summary>How many 128 x 128 GEMM launches read at least one operand with 16-byte vector loads (tests check that the path runs).</summary>
    public long VectorGemmLaunches => Interlocked.Read(ref vectorGemmLaunches);

    /// <summary>
    /// Whether an operand can be read as float4 from every row start: its view starts on a 16-byte boundary, and
    /// the row length along its contiguous axis and the batch stride (0 when broadcast) are multiples of 4
    /// floats. Then a group of 4 elements that starts at a multiple of 4 along that axis is either wholly inside
    /// the row or wholly past its end, so one bounds check covers the vector.
    /// </summary>
    static bool CanLoadFloat4(ArrayView<float> view, int contiguousLength, int batchStride) =>
        contiguousLength % 4 == 0 && batchStride % 4 == 0 && view.Length > 0 && view.AlignTo(16).Prefix.Length == 0;

    /// <summary>The kernel <see cref="MatMul"/> launches for an m x n product: <see cref="GemmTiling"/> when forced, else <see cref="ChooseTiling"/>.</summary>
    IlgpuGemmTiling TilingFor(int m, int n) => GemmTiling == IlgpuGemmTiling.Auto ? ChooseTiling(m, n) : GemmTiling;

    /// <summary>
    /// The float32 kernel <see cref="IlgpuGemmTiling.Auto"/> launches for a (batched) m x n product of C:
    /// <see cref="IlgpuGemmTiling.Tiles128"/> when m and n both reach <see cref="LargeTileMinimum"/>;
    /// <see cref="IlgpuGemmTiling.Tiles32"/> when 64 x 64 tiles would pad C to more than 1.25x the area that 32 x 32
    /// tiles pad it to (attention heads with T &lt;= 32, 32-row pooler and classifier products); else
    /// <see cref="IlgpuGemmTiling.Tiles64"/>. Never TF32 (opt-in only).
    /// </summary>
    /// <param name="m">Rows of C (per batch item), at least 1.</param>
    /// <param name="n">Columns of C, at least 1.</param>
    /// <remarks>
    /// The 32 and 64 kernels issue the same 8 shared loads per 16 multiply-adds per thread and k step, so a product's
    /// work in either is about its padded area times k: k and the batch size scale both alike and do not enter. The
    /// 32 x 32 tiles pay elsewhere: each operand is read from L2 twice as often (A once per 32 columns of C instead
    /// of 64), there are 4x the groups (each with its prologue, barriers and epilogue) and 2-warp groups; asking
    /// for a 1.25x saving in padded area before switching leaves margin for that. Examples: T x T heads, T = 20:
    /// 64^2 / 32^2 = 4, 32 tiles; T = 40: 64^2 / 64^2 = 1, 64 tiles; 96 x 96: 128^2 / 96^2 = 1.78, 32 tiles;
    /// 32 x 768 (pooler, classifier gradient): 2, 32 tiles. Past 256 x 256 the ratio is at most 1.23 (288 x 288),
    /// and the 128 x 128 tiles keep the large products as before. Not considered: a grid too small to fill the GPU
    /// (one 128 x 128 product gives 4 groups of 64 x 64, 16 of 32 x 32), to be weighed once measured on a GPU.
    /// </remarks>
    public static IlgpuGemmTiling ChooseTiling(int m, int n)
    {
        if (m >= LargeTileMinimum && n >= LargeTileMinimum) return IlgpuGemmTiling.Tiles128;
        long padded64 = RoundUp(m, TileM) * RoundUp(n, TileN), padded32 = RoundUp(m, StM) * RoundUp(n, StN);
        return 4 * padded64 > 5 * padded32 ? IlgpuGemmTiling.Tiles32 : IlgpuGemmTiling.Tiles64;

        static long RoundUp(int x, int tile) => (x + (long)tile - 1) / tile * tile;
    }

    /// <summary>Launches the 128 x 128 kernel; the caller (<see cref="MatMul"/>) has checked the arguments.</summary>
    void LaunchLargeTiles(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int batch, int m, int n, MatMulArgs args)
    {
        matMulLarge ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulArgs>(MatMulLargeTileKernel);
        args.VecA = VectorLoads && CanLoadFloat4(a, args.TransA != 0 ? m : args.K, args.StrideA) ? 1 : 0;
        args.VecB = VectorLoads && CanLoadFloat4(b, args.TransB != 0 ? args.K : n, args.StrideB) ? 1 : 0;
        if (args.VecA + args.VecB > 0) Interlocked.Increment(ref vectorGemmLaunches);
        int tiles = ((n + LtN - 1) / LtN) * ((m + LtM - 1) / LtM);
        int splits = KSplitsFor(tiles * batch, args.K, (long)batch * m * n);
        if (splits <= 1)
        {
            args.KSplits = 1;
            args.KChunk = args.K;
            matMulLarge(new KernelConfig(new Index3D((n + LtN - 1) / LtN, (m + LtM - 1) / LtM, batch), new Index3D(MatMulThreads, MatMulThreads, 1)), a, b, c, args);
            return;
        }
        // Split-k: slice s of item b is grid z = s * batch + b and writes its raw partial product to its own m x n
        // block of a workspace (no atomics); a second kernel sums the slices in order into C with alpha and beta.
        int chunk = (args.K + splits - 1) / splits;
        chunk = (chunk + LtK - 1) / LtK * LtK;  // whole panels, so that a vector of 4 along k never straddles a slice end
        splits = (args.K + chunk - 1) / chunk;
        using var workspace = Allocate(splits * batch * m * n);
        var partial = args;
        partial.KSplits = splits;
        partial.KChunk = chunk;
        partial.Batch = batch;
        partial.StrideC = m * n;
        partial.Alpha = 1f;
        partial.Beta = 0f;
        matMulLarge(new KernelConfig(new Index3D((n + LtN - 1) / LtN, (m + LtM - 1) / LtM, splits * batch), new Index3D(MatMulThreads, MatMulThreads, 1)),
                    a, b, V(workspace), partial);
        args.KSplits = splits;
        args.Batch = batch;
        splitKReduce ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, MatMulArgs>(SplitKReduceKernel);
        splitKReduce(batch * m * n, V(workspace), c, args);
        Interlocked.Increment(ref splitKLaunches);
        // The workspace goes back to the pool now; the stream runs in order, so a later op that reuses it runs after the reduction.
    }

    /// <summary>The k slices of a 128 x 128 launch: <see cref="GemmKSplits"/> when forced, else <see cref="ChooseKSplits"/>.</summary>
    int KSplitsFor(int groups, int k, long outputs)
    {
        int splits = GemmKSplits > 0 ? Math.Min(GemmKSplits, (k + LtK - 1) / LtK) // at most one slice per panel
                                      : ChooseKSplits(groups, k, Accelerator.NumMultiprocessors);
        // The workspace (splits x outputs floats) is indexed with int.
        return splits <= 1 || outputs * splits > int.MaxValue ? 1 : splits;
    }

    /// <summary>
    /// How many k slices Auto splits a 128 x 128-tile product into (1: none): enough to give every multiprocessor a
    /// group when the output tiles alone do not, never slices shorter than <see cref="MinSplitK"/>. BERT-base's
    /// 768 x 768 weight gradients (k = 4096 tokens) are 36 tiles on an H200's 132 SMs: 4 slices give 144 groups.
    /// </summary>
    /// <param name="groups">Output tiles times batch items: the groups one launch without split-k has.</param>
    /// <param name="k">The product's inner dimension.</param>
    /// <param name="multiprocessors">The device's multiprocessor count (ILGPU's CPU accelerator reports 1: no split).</param>
    /// <remarks>
    /// Each slice costs a write and a read of an m x n partial (8 bytes per output) against 2 x 512 = 1024 FLOP per
    /// output in a 512-long slice: 128 FLOP per byte, far above the H200's ridge of ~16 (67 TFLOP/s over 4.3 TB/s), so
    /// the extra pass stays under ~1/8 of the product's time, while the multiprocessors it puts to work are up to 3/4
    /// of the machine. Without a GPU run this rule is argued, not measured (bench/gpu/NOTES.md).
    /// </remarks>
    public static int ChooseKSplits(int groups, int k, int multiprocessors) =>
        groups >= multiprocessors ? 1 : Math.Max(1, Math.Min((multiprocessors + groups - 1) / groups, k / MinSplitK));

    /// <summary>The shortest k slice Auto's split-k makes (see <see cref="KSplitsFor"/>).</summary>
    public const int MinSplitK = 512;

    /// <summary>
    /// Forces the number of k slices of the 128 x 128 kernel (0, the default: chosen by the multiprocessor count, see
    /// <see cref="MinSplitK"/>). Tests force it on odd shapes; capped at one slice per 8-deep panel.
    /// </summary>
    public int GemmKSplits { get; set; }

    long splitKLaunches;

    /// <summary>How many 128 x 128 GEMMs ran split along k (tests check that the path runs).</summary>
    public long SplitKLaunches => Interlocked.Read(ref splitKLaunches);

    Action<Index1D, ArrayView<float>, ArrayView<float>, MatMulArgs>? splitKReduce;

    /// <summary>
    /// C[b][r] = alpha sum_s W[s batch + b][r] + beta C[b][r] (C not read when beta = 0), for r over the m x n outputs of
    /// item b; the slices are added in order, so the result does not depend on scheduling.
    /// </summary>
    [IlgpuKernel]
    static void SplitKReduceKernel(Index1D index, ArrayView<float> w, ArrayView<float> c, MatMulArgs p)
    {
        int mn = p.M * p.N, item = index / mn, r = index - item * mn;
        float sum = 0f;
        for (int s = 0; s < p.KSplits; s++) sum += w[(s * p.Batch + item) * mn + r];
        StoreAt(c, item * p.StrideC + r, p, sum);
    }

    [IlgpuKernel]
    static void MatMulLargeTileKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatMulArgs p)
    {
        var sa = SharedMemory.Allocate<float>(2 * LtPanel); // sa[buf * LtPanel + kk * LtStride + i] = op(A)[row0 + i, k0 + kk]
        var sb = SharedMemory.Allocate<float>(2 * LtPanel); // sb[buf * LtPanel + kk * LtStride + j] = op(B)[k0 + kk, col0 + j]
        int tx = Group.IdxX, ty = Group.IdxY, t = ty * MatMulThreads + tx;
        int row0 = Grid.IdxY * LtM, col0 = Grid.IdxX * LtN, z = Grid.IdxZ;
        // Without split-k, z is the batch item and k runs whole. With it, z = slice * batch + item, the slice covers
        // [kBegin, kEnd), and C is the workspace with one m x n block per z (the host set StrideC = m n, alpha 1, beta 0).
        int slice = p.KSplits > 1 ? z / p.Batch : 0, item = z - slice * p.Batch;
        int kBegin = slice * p.KChunk, kEnd = Math.Min(p.K, kBegin + p.KChunk);
        int baseA = item * p.StrideA, baseB = item * p.StrideB, baseC = z * p.StrideC;

        // Each thread loads 4 elements of each 128 x 8 panel, at (i + q iStep, k + q kStep), q = 0..3: along the
        // operand's contiguous axis neighbouring threads take neighbouring elements. A stored [m, k] (contiguous
        // k): i = t / 2, k = 4 (t % 2) + q, one float4 when vectorised. A stored [k, m] (contiguous m): scalar,
        // i = t % 128 and k = t / 128 + 2q; vectorised, i = 4 (t % 32) + q and k = t / 32 (a float4 along m).
        // B likewise with n for m.
        PanelMap ma = PanelMapFor(t, p.TransA == 0, p.VecA != 0), mb = PanelMapFor(t, p.TransB != 0, p.VecB != 0);
        int aI = ma.Index, aK = ma.K, bJ = mb.Index, bK = mb.K;

        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c04 = 0f, c05 = 0f, c06 = 0f, c07 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f, c14 = 0f, c15 = 0f, c16 = 0f, c17 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c24 = 0f, c25 = 0f, c26 = 0f, c27 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f, c34 = 0f, c35 = 0f, c36 = 0f, c37 = 0f;
        float c40 = 0f, c41 = 0f, c42 = 0f, c43 = 0f, c44 = 0f, c45 = 0f, c46 = 0f, c47 = 0f;
        float c50 = 0f, c51 = 0f, c52 = 0f, c53 = 0f, c54 = 0f, c55 = 0f, c56 = 0f, c57 = 0f;
        float c60 = 0f, c61 = 0f, c62 = 0f, c63 = 0f, c64 = 0f, c65 = 0f, c66 = 0f, c67 = 0f;
        float c70 = 0f, c71 = 0f, c72 = 0f, c73 = 0f, c74 = 0f, c75 = 0f, c76 = 0f, c77 = 0f;

        int panels = (kEnd - kBegin + LtK - 1) / LtK;
        bool aKContiguous = p.TransA == 0, bKContiguous = p.TransB != 0; // A stored [m, k]; B stored [n, k]
        LoadPanel(a, baseA, p.M, p.K, aKContiguous, row0 + aI, kBegin + aK, kEnd, ma, out float pa0, out float pa1, out float pa2, out float pa3);
        LoadPanel(b, baseB, p.N, p.K, bKContiguous, col0 + bJ, kBegin + bK, kEnd, mb, out float pb0, out float pb1, out float pb2, out float pb3);
        StorePanel(sa, 0, ma, pa0, pa1, pa2, pa3);
        StorePanel(sb, 0, mb, pb0, pb1, pb2, pb3);
        Group.Barrier();

        for (int panel = 0; panel < panels; panel++)
        {
            int buf = panel & 1;
            bool more = panel + 1 < panels;
            if (more)
            {
                // The next panel's loads are issued before this panel's FMAs, so their latency is hidden.
                int k1 = kBegin + (panel + 1) * LtK;
                LoadPanel(a, baseA, p.M, p.K, aKContiguous, row0 + aI, k1 + aK, kEnd, ma, out pa0, out pa1, out pa2, out pa3);
                LoadPanel(b, baseB, p.N, p.K, bKContiguous, col0 + bJ, k1 + bK, kEnd, mb, out pb0, out pb1, out pb2, out pb3);
            }
            for (int kk = 0; kk < LtK; kk++)
            {
                int ra = buf * LtPanel + kk * LtStride + ty, rb = buf * LtPanel + kk * LtStride + tx;
                float a0 = sa[ra + 0], a1 = sa[ra + 16], a2 = sa[ra + 32], a3 = sa[ra + 48], a4 = sa[ra + 64], a5 = sa[ra + 80], a6 = sa[ra + 96], a7 = sa[ra + 112];
                float b0 = sb[rb + 0], b1 = sb[rb + 16], b2 = sb[rb + 32], b3 = sb[rb + 48], b4 = sb[rb + 64], b5 = sb[rb + 80], b6 = sb[rb + 96], b7 = sb[rb + 112];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3; c04 += a0 * b4; c05 += a0 * b5; c06 += a0 * b6; c07 += a0 * b7;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3; c14 += a1 * b4; c15 += a1 * b5; c16 += a1 * b6; c17 += a1 * b7;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3; c24 += a2 * b4; c25 += a2 * b5; c26 += a2 * b6; c27 += a2 * b7;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3; c34 += a3 * b4; c35 += a3 * b5; c36 += a3 * b6; c37 += a3 * b7;
                c40 += a4 * b0; c41 += a4 * b1; c42 += a4 * b2; c43 += a4 * b3; c44 += a4 * b4; c45 += a4 * b5; c46 += a4 * b6; c47 += a4 * b7;
                c50 += a5 * b0; c51 += a5 * b1; c52 += a5 * b2; c53 += a5 * b3; c54 += a5 * b4; c55 += a5 * b5; c56 += a5 * b6; c57 += a5 * b7;
                c60 += a6 * b0; c61 += a6 * b1; c62 += a6 * b2; c63 += a6 * b3; c64 += a6 * b4; c65 += a6 * b5; c66 += a6 * b6; c67 += a6 * b7;
                c70 += a7 * b0; c71 += a7 * b1; c72 += a7 * b2; c73 += a7 * b3; c74 += a7 * b4; c75 += a7 * b5; c76 += a7 * b6; c77 += a7 * b7;
            }
            if (more)
            {
                // The other buffer was last read in the previous panel, before the barrier that ended it.
                StorePanel(sa, 1 - buf, ma, pa0, pa1, pa2, pa3);
                StorePanel(sb, 1 - buf, mb, pb0, pb1, pb2, pb3);
            }
            Group.Barrier();
        }

        StoreRow8(c, baseC, p, row0 + ty + 0, col0 + tx, c00, c01, c02, c03, c04, c05, c06, c07);
        StoreRow8(c, baseC, p, row0 + ty + 16, col0 + tx, c10, c11, c12, c13, c14, c15, c16, c17);
        StoreRow8(c, baseC, p, row0 + ty + 32, col0 + tx, c20, c21, c22, c23, c24, c25, c26, c27);
        StoreRow8(c, baseC, p, row0 + ty + 48, col0 + tx, c30, c31, c32, c33, c34, c35, c36, c37);
        StoreRow8(c, baseC, p, row0 + ty + 64, col0 + tx, c40, c41, c42, c43, c44, c45, c46, c47);
        StoreRow8(c, baseC, p, row0 + ty + 80, col0 + tx, c50, c51, c52, c53, c54, c55, c56, c57);
        StoreRow8(c, baseC, p, row0 + ty + 96, col0 + tx, c60, c61, c62, c63, c64, c65, c66, c67);
        StoreRow8(c, baseC, p, row0 + ty + 112, col0 + tx, c70, c71, c72, c73, c74, c75, c76, c77);
    }

    /// <summary>Where a thread's 4 elements of a panel lie: (Index + q IndexStep, K + q KStep), q = 0..3.</summary>
    internal struct PanelMap
    {
        public int Index, K, IndexStep, KStep, Vector;
    }

    /// <summary>
    /// Thread t's 4 elements of a 128 x 8 panel of an operand whose contiguous axis is k (<paramref name="kContiguous"/>:
    /// A stored [m, k], B stored [n, k]) or the 128-long axis; with <paramref name="vector"/>, the 4 are consecutive
    /// along the contiguous axis so that they are one float4.
    /// </summary>
    static PanelMap PanelMapFor(int t, bool kContiguous, bool vector)
    {
        var m = new PanelMap { Vector = vector ? 1 : 0 };
        if (kContiguous) { m.Index = t >> 1; m.K = (t & 1) << 2; m.KStep = 1; }
        else if (vector) { m.Index = (t & 31) << 2; m.K = t >> 5; m.IndexStep = 1; }
        else { m.Index = t & 127; m.K = t >> 7; m.KStep = 2; }
        return m;
    }

    /// <summary>
    /// An operand's 4 elements at (row i + q IndexStep, k + q KStep), q = 0..3, of a 128 x 8 panel; 0 outside the matrix
    /// or past <paramref name="kEnd"/> (the k slice's end): the panel's padding. The operand is A (rows m) or B (rows n,
    /// read as B^T): stored [rows, K] when <paramref name="kContiguous"/>, else [K, rows]. One float4 load when vectorised.
    /// </summary>
    static void LoadPanel(ArrayView<float> x, int baseX, int rows, int k, bool kContiguous, int i, int gk, int kEnd, PanelMap m,
                          out float v0, out float v1, out float v2, out float v3)
    {
        if (m.Vector != 0)
        {
            // The host checked that the row length along the contiguous axis is a multiple of 4 and that the 4
            // start at a multiple of 4 along it, so the bounds of the first element are those of all four.
            var f = i < rows && gk < kEnd ? LoadFloat4(x, kContiguous ? baseX + i * k + gk : baseX + gk * rows + i) : default;
            v0 = f.X; v1 = f.Y; v2 = f.Z; v3 = f.W;
            return;
        }
        v0 = Load(x, baseX, rows, k, kContiguous, i, gk, kEnd);
        v1 = Load(x, baseX, rows, k, kContiguous, i + m.IndexStep, gk + m.KStep, kEnd);
        v2 = Load(x, baseX, rows, k, kContiguous, i + 2 * m.IndexStep, gk + 2 * m.KStep, kEnd);
        v3 = Load(x, baseX, rows, k, kContiguous, i + 3 * m.IndexStep, gk + 3 * m.KStep, kEnd);
    }

    /// <summary>One element of <see cref="LoadPanel"/>, or 0 outside the matrix or the k slice.</summary>
    static float Load(ArrayView<float> x, int baseX, int rows, int k, bool kContiguous, int i, int gk, int kEnd) =>
        i < rows && gk < kEnd ? x[kContiguous ? baseX + i * k + gk : baseX + gk * rows + i] : 0f;

    /// <summary>
    /// The 4 floats at element <paramref name="index"/> (a multiple of 4) as one 16-byte load. ILGPU assumes a
    /// 16-byte struct is 16-byte aligned, which is only true because the host checked it (<see cref="CanLoadFloat4"/>);
    /// AsAligned(16) states that assumption where ILGPU can assert it (the CPU accelerator, debug kernels).
    /// </summary>
    static Float4 LoadFloat4(ArrayView<float> view, int index) => view.Cast<Float4>().AsAligned(16)[index >> 2];

    static void StorePanel(ArrayView<float> panel, int buf, PanelMap m, float v0, float v1, float v2, float v3)
    {
        int start = buf * LtPanel + m.K * LtStride + m.Index, step = m.KStep * LtStride + m.IndexStep;
        panel[start] = v0;
        panel[start + step] = v1;
        panel[start + 2 * step] = v2;
        panel[start + 3 * step] = v3;
    }

    static void StoreRow8(ArrayView<float> c, int baseC, MatMulArgs p, int row, int col,
                          float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7)
    {
        if (row >= p.M) return;
        int start = baseC + row * p.N;
        Store(c, start, p, col, v0);
        Store(c, start, p, col + 16, v1);
        Store(c, start, p, col + 32, v2);
        Store(c, start, p, col + 48, v3);
        Store(c, start, p, col + 64, v4);
        Store(c, start, p, col + 80, v5);
        Store(c, start, p, col + 96, v6);
        Store(c, start, p, col + 112, v7);
    }
}
