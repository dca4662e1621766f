namespace NativeDsp.Kernels.Host;

/// <summary>
/// One cache-blocked matrix product C = alpha * op(A) * op(B) + beta * C (Goto / BLIS structure). C is cut
/// once into one tile per thread (<see cref="GemmPartition"/>), and each thread runs the whole loop nest on
/// its tile with its own packed blocks, so a product costs one thread-pool dispatch and no barrier, however
/// many KC steps it has (small models' products take 0.1-2 ms; a barrier per KC step cost a visible share):
/// <code>
/// for jc over the tile's columns in NC:             B block  (L3)
///   for pc over k in KC steps:
///     pack op(B)[pc.., jc..] into NR-column micro-panels          (per thread)
///     for ic over the tile's rows in MC rows:        A block  (L2)
///       pack op(A)[ic.., pc..] into MR-row micro-panels
///       for jr over the block's columns in NR:       B micro-panel (L1)
///         for ir in MR:  micro-kernel: C[ir.., jr..] (+)= alpha * Ap * Bp   (registers)
/// </code>
/// Threads that share rows pack the same B panel, threads that share columns the same A panel: the
/// partition picks the cut that packs least. beta is applied by the first KC step only (later steps add,
/// beta = 1), at the micro-kernel's write-back, so C is read only when beta != 0 or after the first KC step
/// has written it (with beta = 0 it may hold NaN). Tiles of C never overlap, so threads write without locks,
/// and every element is summed in the same order whatever the partition (deterministic for a given
/// <see cref="GemmBlockSizes"/>). Packed panels live in per-thread scratch (<see cref="GemmScratch"/>): a
/// thread runs one product at a time, so the Host kernels are not meant to be re-entered from inside a product.
/// </summary>
static unsafe class GemmBlocked
{
    /// <summary>
    /// Multiplies one batch item on up to <paramref name="threads"/> threads; pointers are at the item's
    /// first element. With one thread everything runs on the calling thread (the caller parallelises over
    /// the batch instead).
    /// </summary>
    public static void Run(GemmBlockSizes s, float* a, float* b, float* c, int m, int n, int k, bool transA, bool transB,
                           float alpha, float beta, int threads)
    {
        var parts = GemmPartition.Choose(s, m, n, k, threads);
        if (parts.Count == 1)
        {
            RunTile(s, a, b, c, m, n, k, transA, transB, alpha, beta, 0, m, 0, n);
            return;
        }
        Parallel.For(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = parts.Count }, tile =>
        {
            var (r0, r1, c0, c1) = parts.Bounds(tile, m, n, s.MR, s.NR);
            RunTile(s, a, b, c, m, n, k, transA, transB, alpha, beta, r0, r1, c0, c1);
        });
    }

    /// <summary>Rows [rowStart, rowEnd) x columns [colStart, colEnd) of C, all KC steps, on the calling thread.</summary>
    static void RunTile(GemmBlockSizes s, float* a, float* b, float* c, int m, int n, int k, bool transA, bool transB,
                        float alpha, float beta, int rowStart, int rowEnd, int colStart, int colEnd)
    {
        if (rowStart >= rowEnd || colStart >= colEnd) return;
        int mr = s.MR, nr = s.NR, kcMax = Math.Min(s.KC, k);
        // Blocks of equal size rather than full blocks and a thin remainder (256 rows with MC 252 would
        // otherwise run a 4-row block that re-streams all of packed B for 2% of the work).
        int mcBlock = Balanced(rowEnd - rowStart, s.MC, mr), ncBlock = Balanced(colEnd - colStart, s.NC, nr);
        float* packedB = GemmScratch.ForB(kcMax * RoundUp(ncBlock, nr));
        float* packedA = GemmScratch.ForA(RoundUp(mcBlock, mr) * kcMax);
        float* edge = stackalloc float[GemmMicroKernel512.MR * GemmMicroKernel512.NR];

        for (int jc = colStart; jc < colEnd; jc += ncBlock)
        {
            int nc = Math.Min(ncBlock, colEnd - jc);
            for (int pc = 0; pc < k; pc += s.KC)
            {
                int kc = Math.Min(s.KC, k - pc);
                float stepBeta = pc == 0 ? beta : 1f;
                GemmPacking.PackB(b, k, n, transB, pc, kc, jc, nc, nr, packedB, 0, (nc + nr - 1) / nr);
                for (int ic = rowStart; ic < rowEnd; ic += mcBlock)
                {
                    int mc = Math.Min(mcBlock, rowEnd - ic);
                    GemmPacking.PackA(a, m, k, transA, ic, mc, pc, kc, mr, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* bp = packedB + (long)jr * kc;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* ap = packedA + (long)ir * kc;
                            float* cp = c + (long)(ic + ir) * n + jc + jr;
                            if (rows == mr && cols == nr)
                                MicroKernel(s.Width, kc, ap, bp, cp, n, alpha, stepBeta);
                            else
                            {
                                // Edge tile: compute the full padded tile aside, then write back the part inside C.
                                MicroKernel(s.Width, kc, ap, bp, edge, nr, 1f, 0f);
                                WriteEdge(edge, nr, cp, n, rows, cols, alpha, stepBeta);
                            }
                        }
                    }
                }
            }
        }
    }

    static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>The block size (a multiple of <paramref name="unit"/>, at most <paramref name="max"/>) that cuts <paramref name="extent"/> into the fewest, most equal blocks.</summary>
    static int Balanced(int extent, int max, int unit)
    {
        int blocks = (extent + max - 1) / max;
        return Math.Min(max, RoundUp((extent + blocks - 1) / blocks, unit));
    }

    static void MicroKernel(VectorWidth width, int kc, float* ap, float* bp, float* c, long ldc, float alpha, float beta)
    {
        if (width == VectorWidth.Bits512) GemmMicroKernel512.Kernel(kc, ap, bp, c, ldc, alpha, beta);
        else if (width == VectorWidth.Bits256) GemmMicroKernel256.Kernel(kc, ap, bp, c, ldc, alpha, beta);
        else GemmMicroKernel128.Kernel(kc, ap, bp, c, ldc, alpha, beta);
    }

    static void WriteEdge(float* tile, int ldt, float* c, long ldc, int rows, int cols, float alpha, float beta)
    {
        for (int r = 0; r < rows; r++)
        {
            float* t = tile + r * ldt;
            float* cr = c + r * ldc;
            if (beta == 0f)
                for (int j = 0; j < cols; j++) cr[j] = alpha * t[j];
            else
                for (int j = 0; j < cols; j++) cr[j] = alpha * t[j] + beta * cr[j];
        }
    }
}
