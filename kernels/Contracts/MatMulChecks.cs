namespace NativeDsp.Kernels;

/// <summary>
/// The argument checks of <see cref="IKernels.MatMul"/>, shared by every backend so that a bad call gets
/// the same message (naming the op, all sizes, strides and buffer lengths) whichever backend runs it.
/// </summary>
public static class MatMulChecks
{
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
