using NativeDsp.Kernels.Random;

namespace NativeDsp.Kernels.Host;

// Counter-based random fills: element i is a function of (seed, offset + i) only, as on every backend.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void FillUniform(DeviceBuffer<float> y, int n, ulong seed, ulong offset)
    {
        var ya = RandomTarget(nameof(FillUniform), y, n);
        HostParallel.For(n, 16, (start, end) =>
        {
            for (int i = start; i < end; i++) ya[i] = Philox.Uniform(seed, offset + (ulong)i);
        });
    }

    /// <inheritdoc/>
    public void FillNormal(DeviceBuffer<float> y, int n, float mean, float std, ulong seed, ulong offset)
    {
        var ya = RandomTarget(nameof(FillNormal), y, n);
        HostParallel.For(n, 32, (start, end) =>
        {
            for (int i = start; i < end; i++) ya[i] = mean + std * Philox.Normal(seed, offset + (ulong)i);
        });
    }

    /// <inheritdoc/>
    public void FillGumbel(DeviceBuffer<float> y, int n, ulong seed, ulong offset)
    {
        var ya = RandomTarget(nameof(FillGumbel), y, n);
        HostParallel.For(n, 32, (start, end) =>
        {
            for (int i = start; i < end; i++) ya[i] = Philox.Gumbel(seed, offset + (ulong)i);
        });
    }

    float[] RandomTarget(string op, DeviceBuffer<float> y, int n)
    {
        KernelContracts.RandomFill(op, y, n);
        return A(y);
    }
}
