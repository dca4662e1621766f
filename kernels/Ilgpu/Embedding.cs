using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Embedding gather and scatter-add. The vocabulary is the number of whole rows of dim in the table.
// Ids are device data and are never read back here (that would synchronise the device in every step):
// the engine validates them on the host where they are made. The kernels still guard: an id outside
// [0, vocab) gives a NaN row forward (visible in the loss at once) and is skipped backward, never an
// out-of-bounds access; the Host kernels do the same.
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>? embeddingForward;
    Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>? embeddingBackward;

    /// <inheritdoc/>
    public void EmbeddingForward(DeviceBuffer<float> table, DeviceBuffer<int> ids, DeviceBuffer<float> y, int count, int dim)
    {
        int n = KernelContracts.EmbeddingForward(table, ids, y, count, dim);
        if (n == 0) return;
        embeddingForward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(EmbeddingForwardKernel);
        embeddingForward(n, V(table), V(ids), V(y), dim);
    }

    /// <inheritdoc/>
    public void EmbeddingBackward(DeviceBuffer<float> dy, DeviceBuffer<int> ids, DeviceBuffer<float> dtable, int count, int dim)
    {
        int n = KernelContracts.EmbeddingBackward(dy, ids, dtable, count, dim);
        if (n == 0) return;
        embeddingBackward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(EmbeddingBackwardKernel);
        embeddingBackward(n, V(dy), V(ids), V(dtable), dim);
    }

    [IlgpuKernel]
    static void EmbeddingForwardKernel(Index1D index, ArrayView<float> table, ArrayView<int> ids, ArrayView<float> y, int dim)
    {
        int i = index;
        int row = i / dim, d = i - row * dim;
        int id = ids[row];
        int vocab = (int)table.Length / dim;
        y[i] = id >= 0 && id < vocab ? table[id * dim + d] : float.NaN;
    }

    /// <summary>One thread per element of dy; repeated ids hit the same row, hence the atomic add.</summary>
    [IlgpuKernel]
    static void EmbeddingBackwardKernel(Index1D index, ArrayView<float> dy, ArrayView<int> ids, ArrayView<float> dtable, int dim)
    {
        int i = index;
        int row = i / dim, d = i - row * dim;
        int id = ids[row];
        int vocab = (int)dtable.Length / dim;
        if (id >= 0 && id < vocab) Atomic.Add(ref dtable[id * dim + d], dy[i]);
    }
}
