using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// Fused because: log-softmax + gather + smoothing as primitives materialises [rows, C] log-probabilities
// (C = the vocabulary in MT, the largest tensor of a step); fused it saves only lse per row.
// Log-softmax fused with label-smoothed cross-entropy; the backward pass recomputes softmax from lse.
// Targets are trusted (the engine validates them on the host where they are made); a target outside
// [0, cols) that is not ignoreIndex gives a NaN loss for its row and no target term backward, as on ILGPU.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void CrossEntropyForward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> loss,
                                    DeviceBuffer<float> lse, int rows, int cols, int ignoreIndex, float smoothing)
    {
        KernelContracts.CrossEntropyForward(logits, targets, loss, lse, rows, cols, smoothing);
        var (xa, ta, la, lsea) = (A(logits), A(targets), A(loss), A(lse));
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
                if ((uint)t >= (uint)cols) { la[r] = float.NaN; continue; }
                // -(1-eps) logp_t - (eps/C) sum_c logp_c, with sum_c logp_c = sum_c x_c - C lse.
                float nll = rowLse - xa[at + t];
                float smooth = eps == 0f ? 0f : rowLse - TensorPrimitives.Sum(xa.AsSpan(at, cols)) / cols;
                la[r] = (1f - eps) * nll + eps * smooth;
            }
        });
    }

    /// <inheritdoc/>
    public void CrossEntropyBackward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> lse,
                                     DeviceBuffer<float> dloss, DeviceBuffer<float> dlogits,
                                     int rows, int cols, int ignoreIndex, float smoothing)
    {
        KernelContracts.CrossEntropyBackward(logits, targets, lse, dloss, dlogits, rows, cols, smoothing);
        var (xa, ta, lsea, dla, dxa) = (A(logits), A(targets), A(lse), A(dloss), A(dlogits));
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
                if ((uint)t < (uint)cols) dxa[at + t] -= g * (1f - eps);
            }
        });
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
