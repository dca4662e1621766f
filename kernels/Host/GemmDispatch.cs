namespace NativeDsp.Kernels.Host;

/// <summary>
/// Chooses how a validated <see cref="IKernels.MatMul"/> call runs: which algorithm (packed and
/// cache-blocked, or row-wise without packing) and how the two-ish cores of a CPU share it (over the
/// batch, over rows, or over tiles inside one product), so that threads are never nested.
/// </summary>
static class GemmDispatch
{
    /// <summary>Below this many multiply-adds one thread finishes before a second one would have started (~2 us).</summary>
    const long ParallelThreshold = 1 << 15;

    public static void Run(float[] a, float[] b, float[] c, int batch, int m, int n, int k, bool transA, bool transB,
                           long strideA, long strideB, long strideC, float alpha, float beta)
    {
        int rows = batch * m;
        long work = (long)rows * n * k;
        int threads = Environment.ProcessorCount;
        if (work < ParallelThreshold || threads == 1)
        {
            GemmSmall.RunRows(a, b, c, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta, 0, rows);
            return;
        }
        int chunks = Math.Min(rows, threads * 4);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
        {
            int start = (int)((long)rows * chunk / chunks), end = (int)((long)rows * (chunk + 1) / chunks);
            GemmSmall.RunRows(a, b, c, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta, start, end);
        });
    }
}
