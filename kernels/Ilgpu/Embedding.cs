using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Embedding gather and scatter-add. Ids are device data: checking them on the host would need a
// read-back (a synchronisation per step), so the kernels guard instead: an id outside [0, vocab) gives
// NaN rows forward (visible in the loss at once) and is skipped backward, never an out-of-bounds access.
// The vocabulary is the number of whole rows of dim in the table buffer.
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>? embeddingForward;
    Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>? embeddingBackward;

    public void EmbeddingForward(DeviceBuffer<float> table, DeviceBuffer<int> ids, DeviceBuffer<float> y, int count, int dim)
    {
        const string op = nameof(EmbeddingForward);
        Checks.NonNegative(op, nameof(count), count);
        Checks.Positive(op, nameof(dim), dim);
        int n = Checks.Product(op, count, dim);
        Checks.Length(op, "ids", ids, count);
        Checks.Length(op, "y", y, n);
        Checks.Distinct(op, table, y, "y must not alias the table");
        if (n == 0) return;
        embeddingForward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(EmbeddingForwardKernel);
        embeddingForward(n, V(table), V(ids), V(y), dim);
    }

    public void EmbeddingBackward(DeviceBuffer<float> dy, DeviceBuffer<int> ids, DeviceBuffer<float> dtable, int count, int dim)
    {
        const string op = nameof(EmbeddingBackward);
        Checks.NonNegative(op, nameof(count), count);
        Checks.Positive(op, nameof(dim), dim);
        int n = Checks.Product(op, count, dim);
        Checks.Length(op, "ids", ids, count);
        Checks.Length(op, "dy", dy, n);
        Checks.Distinct(op, dtable, dy, "dy must not alias dtable");
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
