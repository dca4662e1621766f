using static NativeDsp.Kernels.Host.GemmBlockSizes;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// One cache-blocked matrix product C = alpha * op(A) * op(B) + beta * C (Goto / BLIS structure):
/// <code>
/// for jc over n in NC columns:                     B block  (L3)
///   for pc over k in KC steps:
///     pack op(B)[pc.., jc..] into NR-column micro-panels          (shared, packed in parallel)
///     parallel over tiles (row chunks x column groups) of C:
///       for ic over the tile's rows in MC rows:      A block  (L2, per thread)
///         pack op(A)[ic.., pc..] into MR-row micro-panels
///         for jr over the tile's columns in NR:      B micro-panel (L1)
///           for ir in MR:  micro-kernel: C[ir.., jr..] (+)= alpha * Ap * Bp   (registers)
/// </code>
/// beta is applied by the first KC step only (later steps add, beta = 1), at the micro-kernel's
/// write-back, so C is read (and may be NaN-free or not) only when beta != 0. Tiles of C never overlap,
/// so threads write without locks.
/// </summary>
static unsafe class GemmBlocked
{
    /// <summary>
    /// Multiplies one batch item; pointers are at the item's first element. With
    /// <paramref name="parallel"/> false everything runs on the calling thread (the caller parallelises
    /// over the batch instead).
    /// </summary>
    public static void Run(float* a, float* b, float* c, int m, int n, int k, bool transA, bool transB,
                           float alpha, float beta, bool parallel)
    {
        int threads = parallel ? Environment.ProcessorCount : 1;
        int mr = MR, nr = NR;
        int rowPanels = (m + mr - 1) / mr;
        int ncMax = Math.Min(n, NC);
        float* packedB = GemmScratch.ForB(KC * RoundUp(ncMax, nr));
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };

        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            int colPanels = (nc + nr - 1) / nr;
            var tiles = new TileGrid(rowPanels, colPanels, threads, MC / mr);

            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                float stepBeta = pc == 0 ? beta : 1f;

                int packChunks = threads > 1 && (long)kc * nc >= 32 * 1024 ? Math.Min(threads, colPanels) : 1;
                if (packChunks == 1)
                    GemmPacking.PackB(b, k, n, transB, pc, kc, jc, nc, nr, packedB, 0, colPanels);
                else
                    Parallel.For(0, packChunks, options, chunk =>
                        GemmPacking.PackB(b, k, n, transB, pc, kc, jc, nc, nr, packedB,
                                          colPanels * chunk / packChunks, colPanels * (chunk + 1) / packChunks));

                if (tiles.Count == 1)
                    RunTile(a, c, m, n, k, transA, alpha, stepBeta, packedB, jc, nc, pc, kc, tiles, 0);
                else
                    Parallel.For(0, tiles.Count, options, tile =>
                        RunTile(a, c, m, n, k, transA, alpha, stepBeta, packedB, jc, nc, pc, kc, tiles, tile));
            }
        }
    }

    static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>One tile of C for one KC step: its rows in MC blocks of packed A, its columns in NR panels.</summary>
    static void RunTile(float* a, float* c, int m, int n, int k, bool transA, float alpha, float beta,
                        float* packedB, int jc, int nc, int pc, int kc, TileGrid tiles, int tile)
    {
        int mr = MR, nr = NR;
        var (rowStart, rowEnd, colStart, colEnd) = tiles.Bounds(tile, m, nc, mr, nr);
        float* packedA = GemmScratch.ForA(MC * kc);
        float* edge = stackalloc float[MR * NR];

        for (int ic = rowStart; ic < rowEnd; ic += MC)
        {
            int mc = Math.Min(MC, rowEnd - ic);
            GemmPacking.PackA(a, m, k, transA, ic, mc, pc, kc, mr, packedA);
            for (int jr = colStart; jr < colEnd; jr += nr)
            {
                int cols = Math.Min(nr, colEnd - jr);
                float* bp = packedB + (long)jr * kc;
                for (int ir = 0; ir < mc; ir += mr)
                {
                    int rows = Math.Min(mr, mc - ir);
                    float* ap = packedA + (long)ir * kc;
                    float* cp = c + (long)(ic + ir) * n + jc + jr;
                    if (rows == mr && cols == nr)
                        MicroKernel(kc, ap, bp, cp, n, alpha, beta);
                    else
                    {
                        // Edge tile: compute the full padded tile aside, then write back the part inside C.
                        MicroKernel(kc, ap, bp, edge, nr, 1f, 0f);
                        WriteEdge(edge, nr, cp, n, rows, cols, alpha, beta);
                    }
                }
            }
        }
    }

    static void MicroKernel(int kc, float* ap, float* bp, float* c, long ldc, float alpha, float beta)
    {
        if (Wide) GemmMicroKernel512.Kernel(kc, ap, bp, c, ldc, alpha, beta);
        else GemmMicroKernel256.Kernel(kc, ap, bp, c, ldc, alpha, beta);
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

    /// <summary>
    /// How C (of one NC block) is cut among threads: row chunks of whole MR panels, at most MC rows
    /// each, their count a multiple of the thread count so each thread gets the same number of rows;
    /// when C has too few rows for that, the columns are cut too (NR panels).
    /// </summary>
    readonly record struct TileGrid
    {
        readonly int rowPanels, colPanels, rowChunks, colGroups;

        public TileGrid(int rowPanels, int colPanels, int threads, int panelsPerBlock)
        {
            this.rowPanels = rowPanels;
            this.colPanels = colPanels;
            rowChunks = (rowPanels + panelsPerBlock - 1) / panelsPerBlock;
            colGroups = 1;
            if (threads > 1)
            {
                int balanced = (rowChunks + threads - 1) / threads * threads;
                if (balanced <= rowPanels) rowChunks = balanced;
                if (rowChunks < 2 * threads) colGroups = Math.Min(colPanels, (2 * threads + rowChunks - 1) / rowChunks);
            }
        }

        public int Count => rowChunks * colGroups;

        public (int RowStart, int RowEnd, int ColStart, int ColEnd) Bounds(int tile, int m, int nc, int mr, int nr)
        {
            int rc = tile / colGroups, cg = tile % colGroups;
            int rowStart = (int)((long)rowPanels * rc / rowChunks) * mr;
            int rowEnd = Math.Min(m, (int)((long)rowPanels * (rc + 1) / rowChunks) * mr);
            int colStart = (int)((long)colPanels * cg / colGroups) * nr;
            int colEnd = Math.Min(nc, (int)((long)colPanels * (cg + 1) / colGroups) * nr);
            return (rowStart, rowEnd, colStart, colEnd);
        }
    }
}
