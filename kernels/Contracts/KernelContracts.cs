using static NativeDsp.Kernels.ContractChecks;

namespace NativeDsp.Kernels;

/// <summary>
/// The preconditions of the <see cref="IKernels"/> ops, written once: both backends call the op's method
/// here first and then run, so a bad call gets the same exception and message (naming the op, the buffer
/// and the sizes) whichever backend runs it. The fused ops' contracts live beside their shapes:
/// <see cref="MatMulChecks"/>, <see cref="AttentionShape.CheckForward"/>, <see cref="Pruning.PruningChecks"/>.
/// Indices held in device buffers (embedding ids, cross-entropy targets) are NOT checked here: reading them
/// would synchronise a GPU; the engine checks them on the host where they are made (IntTensor's host values),
/// and the kernels only guarantee no out-of-bounds access for a bad one (a NaN result instead).
/// Each method throws <see cref="ArgumentException"/> (or its subclass
/// <see cref="ArgumentOutOfRangeException"/>) for a violated precondition and returns otherwise.
/// </summary>
public static partial class KernelContracts
{
    /// <summary>Contract of <see cref="IKernels.Fill"/>.</summary>
    /// <exception cref="ArgumentException">[offset, offset + count) is not inside y.</exception>
    public static void Fill(DeviceBuffer<float> y, int offset, int count) => Range(nameof(IKernels.Fill), "y", y, offset, count);

    /// <summary>Contract of <see cref="IKernels.Copy"/>.</summary>
    /// <exception cref="ArgumentException">A range is outside its buffer, or the two ranges overlap in one buffer.</exception>
    public static void Copy(DeviceBuffer<float> src, int srcOffset, DeviceBuffer<float> dst, int dstOffset, int count)
    {
        const string op = nameof(IKernels.Copy);
        Range(op, "src", src, srcOffset, count);
        Range(op, "dst", dst, dstOffset, count);
        Require(!ReferenceEquals(src, dst) || srcOffset >= dstOffset + count || dstOffset >= srcOffset + count, op,
                $"source [{srcOffset}, {srcOffset + count}) and destination [{dstOffset}, {dstOffset + count}) overlap in one buffer");
    }

    /// <summary>Contract of <see cref="IKernels.Copy2D"/>.</summary>
    /// <returns>rows * cols, the number of elements copied.</returns>
    /// <exception cref="ArgumentException">A size is negative, rows would overlap (stride &lt; cols), a block is
    /// outside its buffer, or src and dst are the same buffer.</exception>
    public static int Copy2D(DeviceBuffer<float> src, int srcOffset, int srcStride, DeviceBuffer<float> dst, int dstOffset, int dstStride, int rows, int cols)
    {
        const string op = nameof(IKernels.Copy2D);
        NonNegative(op, "srcOffset, srcStride, dstOffset, dstStride, rows, cols", srcOffset, srcStride, dstOffset, dstStride, rows, cols);
        int count = Product(op, rows, cols);
        if (count == 0) return 0;
        Require(rows == 1 || (srcStride >= cols && dstStride >= cols), op,
                $"strides (src {srcStride}, dst {dstStride}) must be >= cols {cols} so that rows do not overlap");
        Distinct(op, src, dst, "source and destination are the same buffer");
        Length(op, "src", src, srcOffset + (long)(rows - 1) * srcStride + cols, $"offset {srcOffset}, stride {srcStride}, rows {rows} x cols {cols}");
        Length(op, "dst", dst, dstOffset + (long)(rows - 1) * dstStride + cols, $"offset {dstOffset}, stride {dstStride}, rows {rows} x cols {cols}");
        return count;
    }

    /// <summary>Contract of <see cref="IKernels.SwapAxes12"/>.</summary>
    /// <returns>d0 d1 d2 d3, the element count.</returns>
    /// <exception cref="ArgumentException">A size is negative, a buffer is too short, or x and y are the same buffer.</exception>
    public static int SwapAxes12(DeviceBuffer<float> x, DeviceBuffer<float> y, int d0, int d1, int d2, int d3)
    {
        const string op = nameof(IKernels.SwapAxes12);
        NonNegative(op, "d0, d1, d2, d3", d0, d1, d2, d3);
        int n = Product(op, Product(op, d0, d1), Product(op, d2, d3));
        string shape = $"[{d0}, {d1}, {d2}, {d3}]";
        Length(op, "x", x, n, shape);
        Length(op, "y", y, n, shape);
        Distinct(op, x, y, "x and y are the same buffer");
        return n;
    }

    /// <summary>Contract of <see cref="IKernels.Binary"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown op, n &lt; 0, or period or inner &lt; 1.</exception>
    /// <exception cref="ArgumentException">A buffer is too short, or y aliases b where b is broadcast.</exception>
    public static void Binary(BinaryOp f, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> y, int n, int period, int inner)
    {
        string op = $"{nameof(IKernels.Binary)}({f})";
        if (!Enum.IsDefined(f)) throw new ArgumentOutOfRangeException(nameof(f), f, $"{op}: unknown BinaryOp {(int)f}");
        NonNegative(op, "n", n);
        Positive(op, "period", period);
        Positive(op, "inner", inner);
        Length(op, "a", a, n, $"n = {n}");
        Length(op, "b", b, period, $"period = {period}");
        Length(op, "y", y, n, $"n = {n}");
        Require(!ReferenceEquals(b, y) || (inner == 1 && period >= n), op, "y may alias b only when the op is purely element-wise (inner = 1, period >= n)");
    }

    /// <summary>Contract of <see cref="IKernels.ReduceBroadcast"/>.</summary>
    /// <exception cref="ArgumentException">n &lt; 0, period or inner &lt; 1, a buffer too short, or db aliasing x or x2.</exception>
    public static void ReduceBroadcast(DeviceBuffer<float> x, DeviceBuffer<float>? x2, DeviceBuffer<float> db, int n, int period, int inner)
    {
        const string op = nameof(IKernels.ReduceBroadcast);
        NonNegative(op, "n", n);
        Positive(op, "period", period);
        Positive(op, "inner", inner);
        Length(op, "x", x, n, $"n = {n}");
        if (x2 is not null) Length(op, "x2", x2, n, $"n = {n}");
        Length(op, "db", db, period, $"period = {period}");
        Distinct(op, db, x, "db must not alias x or x2");
        Distinct(op, db, x2, "db must not alias x or x2");
    }

    /// <summary>Contract of <see cref="IKernels.ScaleShift"/>.</summary>
    /// <exception cref="ArgumentException">n &lt; 0 or a buffer shorter than n.</exception>
    public static void ScaleShift(DeviceBuffer<float> x, DeviceBuffer<float> y, int n) => Elementwise(nameof(IKernels.ScaleShift), n, ("x", x), ("y", y));

    /// <summary>Contract of <see cref="IKernels.Axpy"/>.</summary>
    /// <exception cref="ArgumentException">n &lt; 0 or a buffer shorter than n.</exception>
    public static void Axpy(DeviceBuffer<float> x, DeviceBuffer<float> y, int n) => Elementwise(nameof(IKernels.Axpy), n, ("x", x), ("y", y));

    /// <summary>Contract of <see cref="IKernels.ReduceRows"/>.</summary>
    /// <exception cref="ArgumentException">A negative size, a buffer too short, or y aliasing x.</exception>
    public static void ReduceRows(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols)
    {
        const string op = nameof(IKernels.ReduceRows);
        NonNegative(op, "rows, cols", rows, cols);
        Length(op, "x", x, Product(op, rows, cols), $"rows {rows} x cols {cols}");
        Length(op, "y", y, rows, $"rows {rows}");
        Distinct(op, x, y, "y must not alias x");
    }

    /// <summary>Contract of <see cref="IKernels.ActivationForward"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An activation without an entry in <see cref="ActivationTable"/>, or n &lt; 0.</exception>
    /// <exception cref="ArgumentException">A buffer shorter than n.</exception>
    public static void ActivationForward(Activation f, DeviceBuffer<float> x, DeviceBuffer<float> y, int n)
    {
        string op = $"{nameof(IKernels.ActivationForward)}({f})";
        ActivationTable.Check(op, f);
        Elementwise(op, n, ("x", x), ("y", y));
    }

    /// <summary>Contract of <see cref="IKernels.ActivationBackward"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An activation without an entry in <see cref="ActivationTable"/>, or n &lt; 0.</exception>
    /// <exception cref="ArgumentException">A buffer shorter than n.</exception>
    public static void ActivationBackward(Activation f, DeviceBuffer<float> x, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int n)
    {
        string op = $"{nameof(IKernels.ActivationBackward)}({f})";
        ActivationTable.Check(op, f);
        Elementwise(op, n, ("x", x), ("dy", dy), ("dx", dx));
    }

    /// <summary>Contract of <see cref="IKernels.Dropout"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">p outside [0, 1] (or NaN), or n &lt; 0.</exception>
    /// <exception cref="ArgumentException">A buffer shorter than n.</exception>
    public static void Dropout(DeviceBuffer<float> x, DeviceBuffer<float> y, int n, float p)
    {
        const string op = nameof(IKernels.Dropout);
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, $"{op}: drop probability {p} must be in [0, 1]");
        Elementwise(op, n, ("x", x), ("y", y));
    }

    /// <summary>Contract of <see cref="IKernels.FillUniform"/>, <see cref="IKernels.FillNormal"/> and <see cref="IKernels.FillGumbel"/>.</summary>
    /// <param name="op">Which of the three (nameof).</param>
    /// <param name="y">The output.</param>
    /// <param name="n">Elements to fill.</param>
    /// <exception cref="ArgumentException">n &lt; 0 or y shorter than n.</exception>
    public static void RandomFill(string op, DeviceBuffer<float> y, int n) => Elementwise(op, n, ("y", y));

    /// <summary>Contract of <see cref="IKernels.AdamUpdate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 0, t &lt; 1, or a beta outside [0, 1).</exception>
    /// <exception cref="ArgumentException">A buffer shorter than n.</exception>
    public static void AdamUpdate(DeviceBuffer<float> param, DeviceBuffer<float> grad, DeviceBuffer<float> m, DeviceBuffer<float> v,
                                  int n, float beta1, float beta2, int t)
    {
        Adam(nameof(IKernels.AdamUpdate), param, grad, m, v, n, beta1, beta2, t);
    }

    static void Adam(string op, DeviceBuffer<float> param, DeviceBuffer<float> grad, DeviceBuffer<float> m, DeviceBuffer<float> v,
                     int n, float beta1, float beta2, int t)
    {
        Positive(op, "step t (1-based)", t);
        if (!(beta1 >= 0f && beta1 < 1f && beta2 >= 0f && beta2 < 1f))
            throw new ArgumentOutOfRangeException(nameof(beta1), $"{op}: betas ({beta1}, {beta2}) must be in [0, 1)");
        Elementwise(op, n, ("param", param), ("grad", grad), ("m", m), ("v", v));
    }

    /// <summary>Contract of <see cref="IKernels.AdamUpdateMultiTensor"/>.</summary>
    /// <exception cref="ArgumentNullException">The layout is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">t &lt; 1, or a beta outside [0, 1).</exception>
    /// <exception cref="ArgumentException">A buffer shorter than the layout. (A layout made by another backend fails as any
    /// other backend's buffer does: its tables are that backend's buffers.)</exception>
    public static void AdamUpdateMultiTensor(DeviceBuffer<float> param, DeviceBuffer<float> grad, DeviceBuffer<float> m,
                                             DeviceBuffer<float> v, MultiTensorLayout layout, float beta1, float beta2, int t)
    {
        const string op = nameof(IKernels.AdamUpdateMultiTensor);
        ArgumentNullException.ThrowIfNull(layout);
        Adam(op, param, grad, m, v, layout.Length, beta1, beta2, t);
    }

    /// <summary>Contract of <see cref="IKernels.SumOfSquares"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 0.</exception>
    /// <exception cref="ArgumentException">x shorter than n, result empty, or result is x.</exception>
    public static void SumOfSquares(DeviceBuffer<float> x, int n, DeviceBuffer<float> result)
    {
        const string op = nameof(IKernels.SumOfSquares);
        NonNegative(op, "n", n);
        Length(op, "x", x, n, $"n = {n}");
        Length(op, "result", result, 1, "one scalar");
        Distinct(op, result, x, "result must not alias x");
    }

    /// <summary>Contract of <see cref="IKernels.ClipScale"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">maxNorm is not a finite number &gt; 0.</exception>
    /// <exception cref="ArgumentException">A buffer is empty, or norm and scale are the same buffer.</exception>
    public static void ClipScale(DeviceBuffer<float> sumSquares, DeviceBuffer<float> norm, DeviceBuffer<float> scale, float maxNorm)
    {
        const string op = nameof(IKernels.ClipScale);
        if (!(maxNorm > 0f) || float.IsInfinity(maxNorm))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"{op}: the maximum norm {maxNorm} must be a finite number > 0");
        Length(op, "sumSquares", sumSquares, 1, "one scalar");
        Length(op, "norm", norm, 1, "one scalar");
        Length(op, "scale", scale, 1, "one scalar");
        Distinct(op, norm, scale, "norm and scale must be different buffers");
    }

    static void Elementwise(string op, int n, params ReadOnlySpan<(string Name, DeviceBuffer<float> Buffer)> buffers)
    {
        NonNegative(op, "n", n);
        foreach (var (name, buffer) in buffers) Length(op, name, buffer, n, $"n = {n}");
    }
}
