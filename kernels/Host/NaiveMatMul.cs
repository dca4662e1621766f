namespace NativeDsp.Kernels.Host;

/// <summary>
/// The textbook matrix multiply, kept as the benchmark baseline for <see cref="HostKernels.MatMul"/>:
/// a scalar triple loop in i-k-j order (the inner loop walks a row of B and a row of C contiguously
/// when B is not transposed), parallel over the rows of C. No blocking, no packing, no explicit SIMD:
/// it is what a careful programmer writes first, not a strawman.
/// Same contract as <see cref="IKernels.MatMul"/>; arguments are assumed already validated.
/// </summary>
public static class NaiveMatMul
{
    /// <summary>C = alpha op(A) op(B) + beta C over plain arrays, the arguments of <see cref="IKernels.MatMul"/> (already validated).</summary>
    public static void Run(float[] a, float[] b, float[] c, int batch, int m, int n, int k,
                           bool transA, bool transB, long strideA, long strideB, long strideC,
                           float alpha, float beta)
    {
        Parallel.For(0, batch * m, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, row =>
        {
            int item = row / m, i = row % m;
            long aBase = item * strideA, bBase = item * strideB, cRow = item * strideC + (long)i * n;
            var cr = c.AsSpan((int)cRow, n);
            if (beta == 0f) cr.Clear();
            else for (int j = 0; j < n; j++) cr[j] *= beta;

            for (int p = 0; p < k; p++)
            {
                float aip = alpha * a[aBase + (transA ? (long)p * m + i : (long)i * k + p)];
                if (!transB)
                {
                    var br = b.AsSpan((int)(bBase + (long)p * n), n);
                    for (int j = 0; j < n; j++) cr[j] += aip * br[j];
                }
                else
                {
                    for (int j = 0; j < n; j++) cr[j] += aip * b[bBase + (long)j * k + p];
                }
            }
        });
    }
}
