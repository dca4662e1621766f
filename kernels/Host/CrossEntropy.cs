using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// Log-softmax fused with label-smoothed cross-entropy; the backward pass recomputes softmax from lse.
public sealed partial class HostKernels
{
    public void CrossEntropyForward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> loss,
                                    DeviceBuffer<float> lse, int rows, int cols, int ignoreIndex, float smoothing)
    {
        const string op = nameof(CrossEntropyForward);
        var (xa, ta) = CrossEntropyInputs(op, logits, targets, rows, cols, ignoreIndex, smoothing);
        var la = Need(loss, rows, op, nameof(loss), "rows", rows);
        var lsea = Need(lse, rows, op, nameof(lse), "rows", rows);
        float eps = smoothing;
        HostParallel.For(rows, cols, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                int at = r * cols;
                float rowLse = LogSumExp(xa, at, cols);
                lsea[r] = rowLse;
                int t = ta[r];
                if (t == ignoreIndex) { la[r] = 0f; continue; }
                // -(1-eps) logp_t - (eps/C) sum_c logp_c, with sum_c logp_c = sum_c x_c - C lse.
                float nll = rowLse - xa[at + t];
                float smooth = eps == 0f ? 0f : rowLse - TensorPrimitives.Sum(xa.AsSpan(at, cols)) / cols;
                la[r] = (1f - eps) * nll + eps * smooth;
            }
        });
    }

    public void CrossEntropyBackward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> lse,
                                     DeviceBuffer<float> dloss, DeviceBuffer<float> dlogits,
                                     int rows, int cols, int ignoreIndex, float smoothing)
    {
        const string op = nameof(CrossEntropyBackward);
        var (xa, ta) = CrossEntropyInputs(op, logits, targets, rows, cols, ignoreIndex, smoothing);
        var lsea = Need(lse, rows, op, nameof(lse), "rows", rows);
        var dla = Need(dloss, rows, op, nameof(dloss), "rows", rows);
        var dxa = Need(dlogits, (long)rows * cols, op, nameof(dlogits), "rows, cols", rows, cols);
        Require(!ReferenceEquals(dxa, xa), op, "dlogits must not alias logits");
        float eps = smoothing;
        HostParallel.For(rows, cols, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                int t = ta[r];
                if (t == ignoreIndex) continue;
                int at = r * cols;
                float g = dla[r];
                var loop = new CrossEntropyBackwardLoop(xa, dxa, lsea[r], g, -g * eps / cols);
                VectorLoop.Run(ref loop, at, at + cols);
                dxa[at + t] -= g * (1f - eps);
            }
        });
    }

    (float[] logits, int[] targets) CrossEntropyInputs(string op, DeviceBuffer<float> logits, DeviceBuffer<int> targets,
                                                       int rows, int cols, int ignoreIndex, float smoothing)
    {
        NonNegative(op, "rows, cols", rows, cols);
        Require(rows == 0 || cols >= 1, op, $"{rows} rows of {cols} classes");
        Require(smoothing >= 0f && smoothing <= 1f, op, $"label smoothing {smoothing} must be in [0, 1]");
        var xa = Need(logits, (long)rows * cols, op, nameof(logits), "rows, cols", rows, cols);
        var ta = Need(targets, rows, op, nameof(targets), "rows", rows);
        // One pass over the targets (rows ints) is cheap next to the rows x cols logits.
        for (int r = 0; r < rows; r++)
        {
            int t = ta[r];
            if (t != ignoreIndex && (uint)t >= (uint)cols)
                throw new ArgumentOutOfRangeException(nameof(targets),
                    $"{op}: target {t} of row {r} is outside [0, {cols}) and is not ignoreIndex {ignoreIndex}");
        }
        return (xa, ta);
    }

    /// <summary>dx += g * exp(x - lse) + shift, where shift = -g * eps / C.</summary>
    readonly struct CrossEntropyBackwardLoop(float[] x, float[] dx, float lse, float g, float shift) : IVectorLoop
    {
        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV l = TV.Broadcast(lse), gv = TV.Broadcast(g), s = TV.Broadcast(shift);
            for (; i + TV.Count <= end; i += TV.Count)
                TV.Store(TV.Fma(gv, TV.Exp(TV.Load(x, i) - l), TV.Load(dx, i) + s), dx, i);
            return 0f;
        }
    }
}
