using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// The gradient-clipping factor on the device: a one-thread launch, so that the norm never has to be read
// back to decide the scale (the step's other kernels queue behind it without a synchronisation).
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>? clipScale;

    /// <inheritdoc/>
    public void ClipScale(DeviceBuffer<float> sumSquares, DeviceBuffer<float> norm, DeviceBuffer<float> scale, float maxNorm)
    {
        KernelContracts.ClipScale(sumSquares, norm, scale, maxNorm);
        clipScale ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(ClipScaleKernel);
        clipScale(1, V(sumSquares), V(norm), V(scale), maxNorm);
    }

    [IlgpuKernel]
    static void ClipScaleKernel(Index1D i, ArrayView<float> sumSquares, ArrayView<float> norm, ArrayView<float> scale, float maxNorm)
    {
        float s = sumSquares[0];
        norm[0] = MathF.Sqrt(s);
        scale[0] = KernelMath.ClipScale(s, maxNorm);
    }
}
