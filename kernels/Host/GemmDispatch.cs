namespace NativeDsp.Kernels.Host;

/// <summary>
/// Chooses how a validated <see cref="IKernels.MatMul"/> call runs: which algorithm (packed and
/// cache-blocked, or row-wise without packing) and how the cores share it (over the batch, over rows,
/// or over tiles inside one product). Threads are never nested: at most one level uses Parallel.For.
/// </summary>
static unsafe class GemmDispatch
{
    /// <summary>Below this many multiply-adds one thread finishes before a second one would have started (~2 us).</summary>
    const long ParallelThreshold = 1 << 15;

    /// <summary>
    /// Batch items smaller than this (multiply-adds) are each run on one thread, the threads sharing
    /// the batch: cutting a small product into tiles costs more in synchronisation than it gains.
    /// </summary>
    const long ItemParallelThreshold = 1 << 21;

    public static void Run(GemmBlockSizes s, float[] a, float[] b, float[] c, int batch, int m, int n, int k, bool transA, bool transB,
                           long strideA, long strideB, long strideC, float alpha, float beta)
    {
        long itemWork = (long)m * n * k;
        int threads = Environment.ProcessorCount;
        if (itemWork < s.SmallWork || m < s.MinRows || n < s.MinCols)
        {
            RunSmall(s.Width, a, b, c, batch, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta, threads);
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            // Copies: a fixed local cannot be captured by a lambda; the arrays stay pinned until the end of this block.
            float* a0 = pa, b0 = pb, c0 = pc;
            bool overBatch = threads > 1 && batch > 1 && (batch >= 2 * threads || itemWork < ItemParallelThreshold);
            if (overBatch)
                Parallel.For(0, batch, new ParallelOptions { MaxDegreeOfParallelism = threads }, item =>
                    GemmBlocked.Run(s, a0 + item * strideA, b0 + item * strideB, c0 + item * strideC, m, n, k, transA, transB, alpha, beta, threads: 1));
            else
                for (int item = 0; item < batch; item++)
                    GemmBlocked.Run(s, a0 + item * strideA, b0 + item * strideB, c0 + item * strideC, m, n, k, transA, transB, alpha, beta, threads);
        }
    }

    /// <summary>
    /// The unpacked path, cut into (row range, column range) pieces over the flattened (item, row) index:
    /// by rows when there are enough of them, by columns too when C is a few long rows (matrix-vector).
    /// </summary>
    static void RunSmall(VectorWidth width, float[] a, float[] b, float[] c, int batch, int m, int n, int k, bool transA, bool transB,
                         long strideA, long strideB, long strideC, float alpha, float beta, int threads)
    {
        int rows = batch * m;
        long work = (long)rows * n * k;
        if (work < ParallelThreshold || threads == 1)
        {
            GemmSmall.Run(width, a, b, c, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta, 0, rows, 0, n);
            return;
        }
        int rowChunks = Math.Min(rows, threads * 4);
        int colChunks = rowChunks >= 2 * threads ? 1 : Math.Min((n + 63) / 64, 2 * threads);
        Parallel.For(0, rowChunks * colChunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, piece =>
        {
            int rc = piece / colChunks, cc = piece % colChunks;
            int rowStart = (int)((long)rows * rc / rowChunks), rowEnd = (int)((long)rows * (rc + 1) / rowChunks);
            // Column cuts on 16-float boundaries keep the vector loops aligned to whole vectors.
            int colStart = Math.Min(n, (int)((long)((n + 15) / 16) * cc / colChunks) * 16);
            int colEnd = Math.Min(n, (int)((long)((n + 15) / 16) * (cc + 1) / colChunks) * 16);
            GemmSmall.Run(width, a, b, c, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta, rowStart, rowEnd, colStart, colEnd);
        });
    }
}
