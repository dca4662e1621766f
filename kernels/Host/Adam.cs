namespace NativeDsp.Kernels.Host;

// Fused because: the update as primitives is ~10 element-wise launches and temporaries over every
// parameter per step; fused it reads param, grad, m, v once and writes three of them.
// Fused Adam / AdamW step: one pass over param, grad, m and v.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void AdamUpdate(DeviceBuffer<float> param, DeviceBuffer<float> grad, DeviceBuffer<float> m, DeviceBuffer<float> v,
                           int n, float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled, int t)
    {
        KernelContracts.AdamUpdate(param, grad, m, v, n, beta1, beta2, t);
        AdamRange(A(param), A(grad), A(m), A(v), 0, n, lr, beta1, beta2, eps, weightDecay, decoupled, t);
    }

    /// <inheritdoc/>
    public void AdamUpdateMultiTensor(DeviceBuffer<float> param, DeviceBuffer<float> grad, DeviceBuffer<float> m, DeviceBuffer<float> v,
                                      MultiTensorLayout layout, float scheduleFactor, float beta1, float beta2, float eps, bool decoupled, int t)
    {
        KernelContracts.AdamUpdateMultiTensor(param, grad, m, v, layout, beta1, beta2, t);
        var (pa, ga, ma, va) = (A(param), A(grad), A(m), A(v));
        // Tensor by tensor, each exactly as AdamUpdate on its own range (the same split over threads, and offsets that
        // are multiples of the vector width, so the same elements take the vector and the scalar paths).
        for (int s = 0; s < layout.Count; s++)
        {
            if (!layout.IsActive(s)) continue;
            float lr = layout.IsConstantRate(s) ? layout.LearningRate(s) : layout.LearningRate(s) * scheduleFactor;
            AdamRange(pa, ga, ma, va, layout.Offset(s), layout.TensorLength(s), lr, beta1, beta2, eps, layout.WeightDecay(s), decoupled, t);
        }
    }

    static void AdamRange(float[] pa, float[] ga, float[] ma, float[] va, int offset, int n, float lr, float beta1, float beta2, float eps,
                          float weightDecay, bool decoupled, int t)
    {
        // Bias corrections in double: beta^t for large t underflows gracefully and 1 - beta^t keeps its digits.
        float bc1 = (float)(1.0 - Math.Pow(beta1, t));
        float bc2 = (float)(1.0 - Math.Pow(beta2, t));
        var step = new AdamLoop(pa, ga, ma, va, lr, beta1, beta2, eps, weightDecay, decoupled, lr / bc1, 1f / MathF.Sqrt(bc2));
        HostParallel.For(n, 4, (start, end) =>
        {
            var loop = step;
            VectorLoop.Run(ref loop, offset + start, offset + end);
        });
    }

    /// <summary>p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps) = lr * mhat / (sqrt(vhat) + eps), after the weight-decay term.</summary>
    readonly struct AdamLoop(float[] p, float[] g, float[] m, float[] v, float lr, float beta1, float beta2, float eps,
                             float weightDecay, bool decoupled, float stepSize, float invSqrtBc2) : IVectorLoop
    {
        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV b1 = TV.Broadcast(beta1), b2 = TV.Broadcast(beta2), c1 = TV.Broadcast(1f - beta1), c2 = TV.Broadcast(1f - beta2);
            TV e = TV.Broadcast(eps), step = TV.Broadcast(stepSize), isb2 = TV.Broadcast(invSqrtBc2);
            TV l2 = TV.Broadcast(decoupled ? 0f : weightDecay), shrink = TV.Broadcast(decoupled ? 1f - lr * weightDecay : 1f);
            for (; i + TV.Count <= end; i += TV.Count)
            {
                var pv = TV.Load(p, i);
                var gv = TV.Fma(l2, pv, TV.Load(g, i));
                var mv = TV.Fma(b1, TV.Load(m, i), c1 * gv);
                var vv = TV.Fma(b2, TV.Load(v, i), c2 * gv * gv);
                TV.Store(mv, m, i);
                TV.Store(vv, v, i);
                var denom = TV.Fma(TV.Sqrt(vv), isb2, e);
                TV.Store(pv * shrink - step * mv / denom, p, i);
            }
            return 0f;
        }
    }
}
