namespace NativeDsp.Kernels;

/// <summary>
/// The argument checks of <see cref="IKernels.MatMul"/>, shared by every backend so that a bad call gets
/// the same message (naming the op, all sizes, strides and buffer lengths) whichever backend runs it.
/// </summary>
public static class MatMulChecks
{
    /// <summary>The contract of <see cref="IKernels.MatMul"/> (the parameters are that op's).</summary>
    /// <param name="op">The op's name for the message (MatMul, MatMulNaive).</param>
    /// <param name="a">A, batch items at stride strideA.</param>
    /// <param name="b">B, batch items at stride strideB.</param>
    /// <param name="c">C, batch items at stride strideC.</param>
    /// <param name="batch">Number of products.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="transA">A stored as [k, m].</param>
    /// <param name="transB">B stored as [n, k].</param>
    /// <param name="strideA">Elements between A items (0 broadcasts).</param>
    /// <param name="strideB">Elements between B items (0 broadcasts).</param>
    /// <param name="strideC">Elements between C items (&gt;= m n when batch &gt; 1).</param>
    /// <exception cref="ArgumentException">A negative size or stride, C aliasing A or B, overlapping C items,
    /// or a buffer too small; the message lists every size, stride and buffer length.</exception>
    public static void Validate(string op, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c, int batch, int m, int n, int k,
                                bool transA, bool transB, long strideA, long strideB, long strideC)
    {
        string Shapes() =>
            $"batch {batch}, A {(transA ? $"[{k}, {m}] (transposed)" : $"[{m}, {k}]")} stride {strideA} in a buffer of {a.Length}, " +
            $"B {(transB ? $"[{n}, {k}] (transposed)" : $"[{k}, {n}]")} stride {strideB} in a buffer of {b.Length}, " +
            $"C [{m}, {n}] stride {strideC} in a buffer of {c.Length}";

        if (batch < 0 || m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"{op}: sizes must be >= 0, got {Shapes()}");
        if (strideA < 0 || strideB < 0 || strideC < 0)
            throw new ArgumentException($"{op}: strides must be >= 0, got {Shapes()}");
        if (ReferenceEquals(c, a) || ReferenceEquals(c, b))
            throw new ArgumentException($"{op}: C must not alias A or B ({Shapes()})");
        if (batch == 0) return;
        if (batch > 1 && (long)m * n > 0 && strideC < (long)m * n)
            throw new ArgumentException($"{op}: C items overlap (strideC {strideC} < m*n = {(long)m * n}; 0 cannot broadcast an output), {Shapes()}");

        static long Needed(int batch, long stride, long size) => size == 0 ? 0 : (batch - 1) * stride + size;
        if (Needed(batch, strideA, (long)m * k) > a.Length || Needed(batch, strideB, (long)k * n) > b.Length || Needed(batch, strideC, (long)m * n) > c.Length)
            throw new ArgumentException($"{op}: a buffer is too small for {Shapes()}");
    }
}
