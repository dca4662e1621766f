using NativeDsp.Kernels;

namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>
    /// Batched matrix product C = op(A) op(B) over the last two axes: A is [..., m, k] ([..., k, m] with
    /// <paramref name="transA"/>), B is [..., k, n] ([..., n, k] with <paramref name="transB"/>), C is
    /// [..., m, n]. The leading (batch) dims must be equal, or one operand is a plain matrix (rank 2) and is
    /// shared by every batch entry.
    /// </summary>
    /// <exception cref="ShapeException">An operand has rank below 2, the inner dimensions differ, or the batch dimensions differ.</exception>
    /// <exception cref="ArgumentException">The operands are on different devices.</exception>
    public static Tensor MatMul(Tensor a, Tensor b, bool transA = false, bool transB = false)
    {
        const string op = "matmul";
        SameDevice(op, a, b);
        if (a.Shape.Rank < 2 || b.Shape.Rank < 2) throw new ShapeException(op, a.Shape, b.Shape, "both operands need rank >= 2");
        int m = transA ? a.Shape[-1] : a.Shape[-2], ka = transA ? a.Shape[-2] : a.Shape[-1];
        int kb = transB ? b.Shape[-1] : b.Shape[-2], n = transB ? b.Shape[-2] : b.Shape[-1];
        if (ka != kb) throw new ShapeException(op, a.Shape, b.Shape, $"inner dims {ka} vs {kb}");
        int k = ka;

        // Batch dims: equal, or one side is a single matrix broadcast with stride 0.
        int[] batchA = a.Shape.ToArray()[..^2], batchB = b.Shape.ToArray()[..^2];
        bool broadcastA = batchA.Length == 0 && batchB.Length > 0, broadcastB = batchB.Length == 0 && batchA.Length > 0;
        if (!broadcastA && !broadcastB && !batchA.AsSpan().SequenceEqual(batchB))
            throw new ShapeException(op, a.Shape, b.Shape, "batch dims differ");
        int[] batchDims = broadcastA ? batchB : batchA;
        int batch = new Shape(batchDims).Count;
        long sizeA = (long)m * k, sizeB = (long)k * n, sizeC = (long)m * n;
        long strideA = broadcastA ? 0 : sizeA, strideB = broadcastB ? 0 : sizeB;

        var c = NewOutput(a, new Shape([.. batchDims, m, n]));
        K(a).MatMul(a.Buffer, b.Buffer, c.Buffer, batch, m, n, k, transA, transB, strideA, strideB, sizeC);

        a.Device.Tape.Record(op, c, [a, b], () =>
        {
            var kern = K(a);
            var dC = Dy(c);
            if (a.RequiresGrad)
                IntoGrad(a, broadcastA, batch, (int)sizeA, (dA, beta, sA) =>
                {
                    if (!transA) kern.MatMul(dC, b.Buffer, dA, batch, m, k, n, false, !transB, sizeC, strideB, sA, 1f, beta);
                    else kern.MatMul(b.Buffer, dC, dA, batch, k, m, n, transB, true, strideB, sizeC, sA, 1f, beta);
                });
            if (b.RequiresGrad)
            {
                if (broadcastB && !transA)
                {
                    // Shared B with row-major A: the batch folds into the rows, one product sums it.
                    int rows = batch * m;
                    if (!transB) kern.MatMul(a.Buffer, dC, G(b), 1, k, n, rows, true, false, 0, 0, 0, 1f, 1f);
                    else kern.MatMul(dC, a.Buffer, G(b), 1, n, k, rows, true, false, 0, 0, 0, 1f, 1f);
                }
                else
                    IntoGrad(b, broadcastB, batch, (int)sizeB, (dB, beta, sB) =>
                    {
                        if (!transB) kern.MatMul(a.Buffer, dC, dB, batch, k, n, m, !transA, false, strideA, sizeC, sB, 1f, beta);
                        else kern.MatMul(dC, a.Buffer, dB, batch, n, k, m, true, transA, sizeC, strideA, sB, 1f, beta);
                    });
            }
        });
        return c;
    }

    /// <summary>
    /// Runs a batched gradient product into x.Grad. A broadcast operand's gradient is the sum over the
    /// batch; C may not have stride 0, so the per-batch products go to a scratch buffer first and are
    /// then reduced into the gradient.
    /// </summary>
    static void IntoGrad(Tensor x, bool broadcast, int batch, int size, Action<DeviceBuffer<float>, float, long> product)
    {
        if (!broadcast)
        {
            product(G(x), 1f, size);
            return;
        }
        using var scratch = Scratch(x, batch * size);
        product(scratch, 0f, size);
        K(x).ReduceBroadcast(scratch, null, G(x), batch * size, size, 1, accumulate: true);
    }
}
