using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Fused because: the update as primitives is ~10 element-wise launches and temporaries over every
// parameter per step; fused it reads param, grad, m, v once and writes three of them.
// Adam / AdamW, one thread per parameter; the bias corrections are computed once on the host.
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>? adamUpdate;

    /// <inheritdoc/>
    public void AdamUpdate(DeviceBuffer<float> param, DeviceBuffer<float> grad, DeviceBuffer<float> m, DeviceBuffer<float> v,
                           int n, float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled, int t)
    {
        KernelContracts.AdamUpdate(param, grad, m, v, n, beta1, beta2, t);
        if (n == 0) return;
        adamUpdate ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>(AdamUpdateKernel);
        adamUpdate(n, V(param), V(grad), V(m), V(v), new AdamArgs
        {
            Lr = lr, Beta1 = beta1, Beta2 = beta2, Eps = eps, WeightDecay = weightDecay, Decoupled = decoupled ? 1 : 0,
            BiasCorrection1 = (float)(1 - Math.Pow(beta1, t)),
            BiasCorrection2 = (float)(1 - Math.Pow(beta2, t)),
        });
    }

    internal struct AdamArgs
    {
        public float Lr, Beta1, Beta2, Eps, WeightDecay, BiasCorrection1, BiasCorrection2;
        public int Decoupled;
    }

    [IlgpuKernel]
    static void AdamUpdateKernel(Index1D i, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, AdamArgs a)
    {
        float p = param[i], g = grad[i];
        if (a.Decoupled != 0) p -= a.Lr * a.WeightDecay * p;
        else g += a.WeightDecay * p;
        float mi = a.Beta1 * m[i] + (1f - a.Beta1) * g;
        float vi = a.Beta2 * v[i] + (1f - a.Beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        float mHat = mi / a.BiasCorrection1, vHat = vi / a.BiasCorrection2;
        param[i] = p - a.Lr * mHat / (MathF.Sqrt(vHat) + a.Eps);
    }
}
