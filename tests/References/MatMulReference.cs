namespace NativeDsp.Tests.References;

/// <summary>
/// The double-precision reference of <c>IKernels.MatMul</c>: the definition written out as loops,
/// C[b] = alpha * op(A[b]) * op(B[b]) + beta * C[b], with op(A) stored [k, m] when transposed and
/// op(B) stored [n, k] when transposed, and operand b starting at element b * stride.
/// </summary>
public static class MatMulReference
{
    /// <summary>
    /// Returns the exact-ish result for every element of <paramref name="c"/> (elements outside the
    /// batch items keep their input value) and, per element, the magnitude
    /// |alpha| * sum_p |A[i,p] * B[p,j]| + |beta * C[i,j]| that bounds its floating-point error.
    /// With beta = 0, C is not read (as the kernel contract says), so NaN inputs do not matter.
    /// </summary>
    public static (double[] Result, double[] Magnitude) Run(
        float[] a, float[] b, float[] c, int batch, int m, int n, int k, bool transA, bool transB,
        long strideA, long strideB, long strideC, float alpha, float beta)
    {
        var result = new double[c.Length];
        var magnitude = new double[c.Length];
        for (int i = 0; i < c.Length; i++) result[i] = c[i];

        for (int item = 0; item < batch; item++)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double x = a[item * strideA + (transA ? (long)p * m + i : (long)i * k + p)];
                        double y = b[item * strideB + (transB ? (long)j * k + p : (long)p * n + j)];
                        sum += x * y;
                        abs += Math.Abs(x * y);
                    }
                    long at = item * strideC + (long)i * n + j;
                    double old = beta == 0f ? 0.0 : (double)beta * c[at];
                    result[at] = alpha * sum + old;
                    magnitude[at] = Math.Abs(alpha) * abs + Math.Abs(old);
                }
            }
        }
        return (result, magnitude);
    }
}
