using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// Broadcast binary ops, scale-and-shift and axpy, on TensorPrimitives (which picks the widest vectors).
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void Binary(BinaryOp op, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> y, int n, int period, int inner)
    {
        KernelContracts.Binary(op, a, b, y, n, period, inner);
        var (aa, ba, ya) = (A(a), A(b), A(y));
        if (n == 0) return;

        if (period == 1)
        {
            float s = ba[0];
            HostParallel.For(n, 1, (start, end) => ApplyScalar(op, aa.AsSpan(start, end - start), s, ya.AsSpan(start, end - start)));
        }
        else if (inner == 1)
        {
            // Rows of length period against the whole of b; the last row may be partial.
            int rows = (n + period - 1) / period;
            HostParallel.For(rows, period, (start, end) =>
            {
                for (int r = start; r < end; r++)
                {
                    int at = r * period, len = Math.Min(period, n - at);
                    Apply(op, aa.AsSpan(at, len), ba.AsSpan(0, len), ya.AsSpan(at, len));
                }
            });
        }
        else
        {
            // Blocks of inner elements share one b value.
            int blocks = (n + inner - 1) / inner;
            HostParallel.For(blocks, inner, (start, end) =>
            {
                for (int q = start; q < end; q++)
                {
                    int at = q * inner, len = Math.Min(inner, n - at);
                    ApplyScalar(op, aa.AsSpan(at, len), ba[q % period], ya.AsSpan(at, len));
                }
            });
        }
    }

    static void Apply(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, y); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "Binary: unknown op");
        }
    }

    static void ApplyScalar(BinaryOp op, ReadOnlySpan<float> a, float b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, y); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "Binary: unknown op");
        }
    }

    /// <inheritdoc/>
    public void ScaleShift(DeviceBuffer<float> x, DeviceBuffer<float> y, int n, float alpha, float beta)
    {
        KernelContracts.ScaleShift(x, y, n);
        var (xa, ya) = (A(x), A(y));
        HostParallel.For(n, 1, (start, end) =>
        {
            var loop = new ScaleShiftLoop(xa, ya, alpha, beta);
            VectorLoop.Run(ref loop, start, end);
        });
    }

    readonly struct ScaleShiftLoop(float[] x, float[] y, float alpha, float beta) : IVectorLoop
    {
        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV a = TV.Broadcast(alpha), b = TV.Broadcast(beta);
            for (; i + TV.Count <= end; i += TV.Count) TV.Store(TV.Fma(TV.Load(x, i), a, b), y, i);
            return 0f;
        }
    }

    /// <inheritdoc/>
    public void Axpy(float alpha, DeviceBuffer<float> x, DeviceBuffer<float> y, int n)
    {
        KernelContracts.Axpy(x, y, n);
        var (xa, ya) = (A(x), A(y));
        HostParallel.For(n, 1, (start, end) =>
        {
            var yr = ya.AsSpan(start, end - start);
            TensorPrimitives.MultiplyAdd(xa.AsSpan(start, end - start), alpha, yr, yr);
        });
    }
}
