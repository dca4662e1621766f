using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// Row softmax and log-softmax over the last axis, max-subtracted so that exp never overflows.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void SoftmaxForward(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols)
    {
        var (xa, ya) = RowPair(nameof(SoftmaxForward), x, y, rows, cols);
        if (cols == 0) return;
        HostParallel.For(rows, cols, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                int at = r * cols;
                var loop = new ExpShiftLoop(xa, ya, TensorPrimitives.Max(xa.AsSpan(at, cols)), true);
                float sum = VectorLoop.Run(ref loop, at, at + cols);
                var row = ya.AsSpan(at, cols);
                TensorPrimitives.Multiply(row, 1f / sum, row);
            }
        });
    }

    /// <inheritdoc/>
    public void SoftmaxBackward(DeviceBuffer<float> y, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int rows, int cols)
    {
        var (ya, dya, dxa) = RowTriple(nameof(SoftmaxBackward), y, dy, dx, rows, cols);
        HostParallel.For(rows, cols, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                int at = r * cols;
                float dot = TensorPrimitives.Dot(ya.AsSpan(at, cols), dya.AsSpan(at, cols));
                var loop = new SoftmaxBackwardLoop(ya, dya, dxa, dot);
                VectorLoop.Run(ref loop, at, at + cols);
            }
        });
    }

    /// <inheritdoc/>
    public void LogSoftmaxForward(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols)
    {
        var (xa, ya) = RowPair(nameof(LogSoftmaxForward), x, y, rows, cols);
        if (cols == 0) return;
        HostParallel.For(rows, cols, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                int at = r * cols;
                float lse = LogSumExp(xa, at, cols);
                TensorPrimitives.Subtract(xa.AsSpan(at, cols), lse, ya.AsSpan(at, cols));
            }
        });
    }

    /// <inheritdoc/>
    public void LogSoftmaxBackward(DeviceBuffer<float> y, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int rows, int cols)
    {
        var (ya, dya, dxa) = RowTriple(nameof(LogSoftmaxBackward), y, dy, dx, rows, cols);
        HostParallel.For(rows, cols, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                int at = r * cols;
                var loop = new LogSoftmaxBackwardLoop(ya, dya, dxa, TensorPrimitives.Sum(dya.AsSpan(at, cols)));
                VectorLoop.Run(ref loop, at, at + cols);
            }
        });
    }

    /// <summary>logsumexp of x[at, at + cols), cols &gt; 0: max + log(sum exp(x - max)).</summary>
    static float LogSumExp(float[] x, int at, int cols)
    {
        float max = TensorPrimitives.Max(x.AsSpan(at, cols));
        var loop = new ExpShiftLoop(x, x, max, false);
        return max + MathF.Log(VectorLoop.Run(ref loop, at, at + cols));
    }

    (float[] x, float[] y) RowPair(string op, DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols)
    {
        KernelContracts.SoftmaxRows(op, x, y, rows, cols);
        return (A(x), A(y));
    }

    (float[] y, float[] dy, float[] dx) RowTriple(string op, DeviceBuffer<float> y, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int rows, int cols)
    {
        KernelContracts.SoftmaxRowsBackward(op, y, dy, dx, rows, cols);
        return (A(y), A(dy), A(dx));
    }

    /// <summary>Sum of exp(x - shift), also stored to y when <c>store</c>.</summary>
    readonly struct ExpShiftLoop(float[] x, float[] y, float shift, bool store) : IVectorLoop
    {
        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV s = TV.Broadcast(shift), acc = TV.Broadcast(0f);
            for (; i + TV.Count <= end; i += TV.Count)
            {
                var e = TV.Exp(TV.Load(x, i) - s);
                if (store) TV.Store(e, y, i);
                acc += e;
            }
            return TV.Sum(acc);
        }
    }

    /// <summary>dx += y * (dy - dot).</summary>
    readonly struct SoftmaxBackwardLoop(float[] y, float[] dy, float[] dx, float dot) : IVectorLoop
    {
        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV d = TV.Broadcast(dot);
            for (; i + TV.Count <= end; i += TV.Count)
                TV.Store(TV.Fma(TV.Load(y, i), TV.Load(dy, i) - d, TV.Load(dx, i)), dx, i);
            return 0f;
        }
    }

    /// <summary>dx += dy - exp(y) * sum.</summary>
    readonly struct LogSoftmaxBackwardLoop(float[] y, float[] dy, float[] dx, float sum) : IVectorLoop
    {
        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV s = TV.Broadcast(sum);
            for (; i + TV.Count <= end; i += TV.Count)
                TV.Store(TV.Load(dx, i) + TV.Load(dy, i) - TV.Exp(TV.Load(y, i)) * s, dx, i);
            return 0f;
        }
    }
}
