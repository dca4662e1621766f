using ILGPU;
using ILGPU.Runtime;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Kernels.Ilgpu;

// Inverted dropout with a counter-based mask: the backward pass is the same launch on dy, no mask stored.
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, ArrayView<float>, DropoutArgs>? dropout;

    /// <inheritdoc/>
    public void Dropout(DeviceBuffer<float> x, DeviceBuffer<float> y, int n, float p, ulong seed, ulong offset, bool accumulate)
    {
        KernelContracts.Dropout(x, y, n, p);
        if (n == 0) return;
        if (p == 0f)
        {
            Copy(x, 0, y, 0, n, accumulate);
            return;
        }
        dropout ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, DropoutArgs>(DropoutKernel);
        dropout(n, V(x), V(y), new DropoutArgs { P = p, KeepProbability = 1f - p, Seed = seed, Offset = offset, Accumulate = accumulate ? 1 : 0 });
    }

    internal struct DropoutArgs
    {
        public ulong Seed, Offset;
        public float P, KeepProbability;
        public int Accumulate;
    }

    [IlgpuKernel]
    static void DropoutKernel(Index1D index, ArrayView<float> x, ArrayView<float> y, DropoutArgs a)
    {
        int i = index;
        bool keep = Philox.Uniform(a.Seed, a.Offset + (ulong)i) >= a.P;
        // x / (1 - p) exactly as the contract says (not x * (1 / (1 - p))), so Host and ILGPU round alike.
        float v = keep ? x[i] / a.KeepProbability : 0f;
        y[i] = a.Accumulate != 0 ? y[i] + v : v;
    }
}
