namespace NativeDsp.Kernels.Host;

public sealed partial class HostKernels
{
    /// <inheritdoc cref="IKernels.MatMul"/>
    /// <remarks>How a call runs (which algorithm, which threads) is chosen by <see cref="GemmDispatch"/>.</remarks>
    public void MatMul(DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c, int batch, int m, int n, int k,
                       bool transA, bool transB, long strideA, long strideB, long strideC, float alpha = 1f, float beta = 0f)
    {
        MatMulChecks.Validate("MatMul", a, b, c, batch, m, n, k, transA, transB, strideA, strideB, strideC);
        if (batch == 0 || m == 0 || n == 0) return;
        float[] av = A(a), bv = A(b), cv = A(c);
        if (k == 0 || alpha == 0f)
        {
            ScaleOutput(cv, batch, m * n, strideC, beta);
            return;
        }
        GemmDispatch.Run(gemm, av, bv, cv, batch, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta);
    }

    /// <summary>
    /// The same product by <see cref="NaiveMatMul"/> (scalar triple loop): the baseline that benchmarks
    /// compare <see cref="MatMul"/> with. Not used by the engine.
    /// </summary>
    public void MatMulNaive(DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c, int batch, int m, int n, int k,
                            bool transA, bool transB, long strideA, long strideB, long strideC, float alpha = 1f, float beta = 0f)
    {
        MatMulChecks.Validate("MatMulNaive", a, b, c, batch, m, n, k, transA, transB, strideA, strideB, strideC);
        if (batch == 0 || m == 0 || n == 0) return;
        NaiveMatMul.Run(A(a), A(b), A(c), batch, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta);
    }

    /// <summary>C = beta * C over every batch item, without reading C when beta = 0 (it may hold NaN).</summary>
    static void ScaleOutput(float[] c, int batch, int size, long strideC, float beta)
    {
        for (int item = 0; item < batch; item++)
        {
            var span = c.AsSpan((int)(item * strideC), size);
            if (beta == 0f) span.Clear();
            else if (beta != 1f) foreach (ref var x in span) x *= beta;
        }
    }
}
