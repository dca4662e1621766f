using ILGPU;
using ILGPU.Runtime;
using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Kernels.Ilgpu;

// Straight-through hard top-K: one thread per head counts the heads ranked before it (larger logit, or
// equal logit and lower index); the head is kept when fewer than K are. O(H) per thread, no sort, and
// exactly K ones because the ranks are a permutation of 0..H-1.
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, ArrayView<float>, int, int>? steTopKForward;
    Action<Index1D, ArrayView<float>, ArrayView<float>>? steTopKBackward;

    /// <inheritdoc/>
    public void SteTopKForward(DeviceBuffer<float> logits, DeviceBuffer<float> mask, int heads, int k)
    {
        PruningChecks.SteTopKForward(logits, mask, heads, k);
        steTopKForward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(SteTopKForwardKernel);
        steTopKForward(heads, V(logits), V(mask), heads, k);
    }

    /// <inheritdoc/>
    public void SteTopKBackward(DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits, int heads)
    {
        PruningChecks.SteTopKBackward(dmask, dlogits, heads);
        steTopKBackward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(SteTopKBackwardKernel);
        steTopKBackward(heads, V(dmask), V(dlogits));
    }

    [IlgpuKernel]
    static void SteTopKForwardKernel(Index1D index, ArrayView<float> w, ArrayView<float> mask, int heads, int k)
    {
        int h = index;
        float v = w[h];
        int rank = 0;
        for (int i = 0; i < heads; i++)
        {
            float u = w[i];
            if (u > v || (u == v && i < h)) rank++;
        }
        mask[h] = rank < k ? 1f : 0f;
    }

    [IlgpuKernel]
    static void SteTopKBackwardKernel(Index1D index, ArrayView<float> dmask, ArrayView<float> dw) => dw[index] += dmask[index];
}
