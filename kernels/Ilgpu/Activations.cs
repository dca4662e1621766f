using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Point-wise activations and their gradients; the math is KernelMath's, shared with the Host kernels.
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, ArrayView<float>, int>? activationForward;
    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? activationBackward;

    /// <inheritdoc/>
    public void ActivationForward(Activation f, DeviceBuffer<float> x, DeviceBuffer<float> y, int n)
    {
        KernelContracts.ActivationForward(f, x, y, n);
        if (n == 0) return;
        activationForward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(ActivationForwardKernel);
        activationForward(n, V(x), V(y), (int)f);
    }

    /// <inheritdoc/>
    public void ActivationBackward(Activation f, DeviceBuffer<float> x, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int n)
    {
        KernelContracts.ActivationBackward(f, x, dy, dx, n);
        if (n == 0) return;
        activationBackward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ActivationBackwardKernel);
        activationBackward(n, V(x), V(dy), V(dx), (int)f);
    }

    [IlgpuKernel]
    static void ActivationForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, int f) =>
        y[i] = KernelMath.Activate((Activation)f, x[i]);

    [IlgpuKernel]
    static void ActivationBackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, int f) =>
        dx[i] += KernelMath.ActivateGrad((Activation)f, x[i]) * dy[i];
}
