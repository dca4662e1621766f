using NativeDsp.Kernels.Random;

namespace NativeDsp.Kernels.Host;

// Inverted dropout with a counter-based mask: element i keeps when Philox.Uniform(seed, offset + i) >= p.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void Dropout(DeviceBuffer<float> x, DeviceBuffer<float> y, int n, float p, ulong seed, ulong offset, bool accumulate)
    {
        KernelContracts.Dropout(x, y, n, p);
        var (xa, ya) = (A(x), A(y));
        if (p == 0f) { if (!ReferenceEquals(xa, ya) || accumulate) Copy(x, 0, y, 0, n, accumulate); return; }
        // The same expression as the ILGPU kernel, so that both give the same bits: x / (1 - p).
        float keepProbability = 1f - p;
        // One Philox block per element costs ~10 ns: parallel from a smaller size than plain copies.
        HostParallel.For(n, 16, (start, end) =>
        {
            int i = DropoutVector.Run(Width, xa, ya, start, end, p, keepProbability, seed, offset, accumulate);
            for (; i < end; i++)
            {
                bool keep = Philox.Uniform(seed, offset + (ulong)i) >= p;
                float value = keep ? xa[i] / keepProbability : 0f;
                if (accumulate) ya[i] += value;
                else ya[i] = value;
            }
        });
    }
}
