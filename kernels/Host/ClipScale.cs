namespace NativeDsp.Kernels.Host;

// The gradient-clipping factor: one scalar, computed by KernelMath as on ILGPU.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void ClipScale(DeviceBuffer<float> sumSquares, DeviceBuffer<float> norm, DeviceBuffer<float> scale, float maxNorm)
    {
        KernelContracts.ClipScale(sumSquares, norm, scale, maxNorm);
        float s = A(sumSquares)[0];
        A(norm)[0] = MathF.Sqrt(s);
        A(scale)[0] = KernelMath.ClipScale(s, maxNorm);
    }
}
