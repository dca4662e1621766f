using ILGPU;
using ILGPU.Runtime;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Kernels.Ilgpu;

// Random fills from Philox: element i is f(seed, offset + i), the same function the Host kernels call,
// so both backends draw bit-identical integers (and floats, up to the device's exp/log/cos).
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, ulong, ulong>? fillUniform;
    Action<Index1D, ArrayView<float>, NormalArgs>? fillNormal;
    Action<Index1D, ArrayView<float>, ulong, ulong>? fillGumbel;

    /// <inheritdoc/>
    public void FillUniform(DeviceBuffer<float> y, int n, ulong seed, ulong offset)
    {
        KernelContracts.RandomFill(nameof(FillUniform), y, n);
        if (n == 0) return;
        fillUniform ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ulong, ulong>(FillUniformKernel);
        fillUniform(n, V(y), seed, offset);
    }

    /// <inheritdoc/>
    public void FillNormal(DeviceBuffer<float> y, int n, float mean, float std, ulong seed, ulong offset)
    {
        KernelContracts.RandomFill(nameof(FillNormal), y, n);
        if (n == 0) return;
        fillNormal ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, NormalArgs>(FillNormalKernel);
        fillNormal(n, V(y), new NormalArgs { Mean = mean, Std = std, Seed = seed, Offset = offset });
    }

    /// <inheritdoc/>
    public void FillGumbel(DeviceBuffer<float> y, int n, ulong seed, ulong offset)
    {
        KernelContracts.RandomFill(nameof(FillGumbel), y, n);
        if (n == 0) return;
        fillGumbel ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ulong, ulong>(FillGumbelKernel);
        fillGumbel(n, V(y), seed, offset);
    }

    internal struct NormalArgs
    {
        public ulong Seed, Offset;
        public float Mean, Std;
    }

    [IlgpuKernel]
    static void FillUniformKernel(Index1D i, ArrayView<float> y, ulong seed, ulong offset) =>
        y[i] = Philox.Uniform(seed, offset + (ulong)(int)i);

    [IlgpuKernel]
    static void FillNormalKernel(Index1D i, ArrayView<float> y, NormalArgs a) =>
        y[i] = a.Mean + a.Std * Philox.Normal(a.Seed, a.Offset + (ulong)(int)i);

    [IlgpuKernel]
    static void FillGumbelKernel(Index1D i, ArrayView<float> y, ulong seed, ulong offset) =>
        y[i] = Philox.Gumbel(seed, offset + (ulong)(int)i);
}
