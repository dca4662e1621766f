using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Fused because: the update as primitives is ~10 element-wise launches and temporaries over every
// parameter per step; fused it reads param, grad, m, v once and writes three of them.
// Adam / AdamW, one thread per parameter; the bias corrections are computed once on the host.
// The multi-tensor form (issue 18: "Adam fused over all parameters in one launch") runs the same per-element
// code (AdamElement) over flat buffers holding every parameter (MultiTensorLayout): thread i finds its tensor from
// the chunk table (offsets are chunk-aligned, so one int read), and that tensor's range, flags, rate and decay
// from the per-tensor table. A model of ~200 tensors then costs one launch per step instead of ~200.
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>? adamUpdate;
    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>,
           ArrayView<float>, AdamArgs>? adamUpdateMultiTensor;
    long adamLaunches;

    /// <summary>
    /// Launches of the Adam kernels so far (<see cref="AdamUpdate"/> and <see cref="AdamUpdateMultiTensor"/>): an
    /// optimizer step over a multi-tensor layout adds one, whatever the number of parameters. Tests read it around a step.
    /// </summary>
    public long AdamLaunches => Interlocked.Read(ref adamLaunches);

    /// <inheritdoc/>
    public void AdamUpdate(DeviceBuffer<float> param, DeviceBuffer<float> grad, DeviceBuffer<float> m, DeviceBuffer<float> v,
                           int n, float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled, int t)
    {
        KernelContracts.AdamUpdate(param, grad, m, v, n, beta1, beta2, t);
        if (n == 0) return;
        adamUpdate ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>(AdamUpdateKernel);
        Interlocked.Increment(ref adamLaunches);
        adamUpdate(n, V(param), V(grad), V(m), V(v), AdamArguments(lr, beta1, beta2, eps, weightDecay, decoupled, t));
    }

    /// <inheritdoc/>
    public void AdamUpdateMultiTensor(DeviceBuffer<float> param, DeviceBuffer<float> grad, DeviceBuffer<float> m, DeviceBuffer<float> v,
                                      MultiTensorLayout layout, float scheduleFactor, float beta1, float beta2, float eps, bool decoupled, int t)
    {
        KernelContracts.AdamUpdateMultiTensor(param, grad, m, v, layout, beta1, beta2, t);
        if (layout.Length == 0) return;
        layout.UploadIfChanged();
        adamUpdateMultiTensor ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<int>, ArrayView<int>, ArrayView<float>, AdamArgs>(AdamUpdateMultiTensorKernel);
        Interlocked.Increment(ref adamLaunches);
        // Lr carries the schedule factor; the kernel multiplies each tensor's base rate by it unless the tensor's rate is constant.
        adamUpdateMultiTensor(layout.Length, V(param), V(grad), V(m), V(v), V(layout.ChunkTensor), V(layout.Info), V(layout.Rates),
                              AdamArguments(scheduleFactor, beta1, beta2, eps, 0f, decoupled, t));
    }

    static AdamArgs AdamArguments(float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled, int t) => new()
    {
        Lr = lr, Beta1 = beta1, Beta2 = beta2, Eps = eps, WeightDecay = weightDecay, Decoupled = decoupled ? 1 : 0,
        BiasCorrection1 = (float)(1 - Math.Pow(beta1, t)),
        BiasCorrection2 = (float)(1 - Math.Pow(beta2, t)),
    };

    internal struct AdamArgs
    {
        public float Lr, Beta1, Beta2, Eps, WeightDecay, BiasCorrection1, BiasCorrection2;
        public int Decoupled;
    }

    [IlgpuKernel]
    static void AdamUpdateKernel(Index1D i, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, AdamArgs a) =>
        AdamElement(i, param, grad, m, v, a.Lr, a.WeightDecay, a);

    [IlgpuKernel]
    static void AdamUpdateMultiTensorKernel(Index1D i, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v,
                                            ArrayView<int> chunkTensor, ArrayView<int> info, ArrayView<float> rates, AdamArgs a)
    {
        int s = chunkTensor[i / MultiTensorLayout.ChunkSize];
        // Padding after a tensor's end, and tensors not updated this step, are left alone.
        int flags = info[3 * s + 2];
        if ((flags & MultiTensorLayout.FlagActive) == 0 || i < info[3 * s] || i >= info[3 * s + 1]) return;
        float lr = (flags & MultiTensorLayout.FlagConstantRate) != 0 ? rates[2 * s] : rates[2 * s] * a.Lr;
        AdamElement(i, param, grad, m, v, lr, rates[2 * s + 1], a);
    }

    /// <summary>One element of Adam / AdamW: the code both kernels run, so that they give the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AdamElement(int i, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v,
                            float lr, float weightDecay, AdamArgs a)
    {
        float p = param[i], g = grad[i];
        if (a.Decoupled != 0) p -= lr * weightDecay * p;
        else g += weightDecay * p;
        float mi = a.Beta1 * m[i] + (1f - a.Beta1) * g;
        float vi = a.Beta2 * v[i] + (1f - a.Beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        float mHat = mi / a.BiasCorrection1, vHat = vi / a.BiasCorrection2;
        param[i] = p - lr * mHat / (MathF.Sqrt(vHat) + a.Eps);
    }
}
