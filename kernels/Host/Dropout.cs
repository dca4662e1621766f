using NativeDsp.Kernels.Random;

namespace NativeDsp.Kernels.Host;

// Inverted dropout with a counter-based mask: element i keeps when Philox.Uniform(seed, offset + i) >= p.
public sealed partial class HostKernels
{
    public void Dropout(DeviceBuffer<float> x, DeviceBuffer<float> y, int n, float p, ulong seed, ulong offset, bool accumulate)
    {
        const string op = nameof(Dropout);
        NonNegative(op, "n", n);
        Require(p >= 0f && p <= 1f, op, $"drop probability {p} must be in [0, 1]");
        var xa = Need(x, n, op, nameof(x), "n", n);
        var ya = Need(y, n, op, nameof(y), "n", n);
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
