using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// Embedding gather and its scatter-add adjoint. Ids are trusted (the engine validates them on the host
// where they are made); an id outside [0, vocab) gives a NaN row forward and is skipped backward, as on
// ILGPU, never an access outside the table.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void EmbeddingForward(DeviceBuffer<float> table, DeviceBuffer<int> ids, DeviceBuffer<float> y, int count, int dim)
    {
        KernelContracts.EmbeddingForward(table, ids, y, count, dim);
        var (ta, ia, ya) = (A(table), A(ids), A(y));
        int vocab = table.Length / dim;
        HostParallel.For(count, dim, (start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                if ((uint)ia[i] < (uint)vocab) ta.AsSpan(ia[i] * dim, dim).CopyTo(ya.AsSpan(i * dim, dim));
                else ya.AsSpan(i * dim, dim).Fill(float.NaN);
            }
        });
    }

    /// <inheritdoc/>
    public void EmbeddingBackward(DeviceBuffer<float> dy, DeviceBuffer<int> ids, DeviceBuffer<float> dtable, int count, int dim)
    {
        KernelContracts.EmbeddingBackward(dy, ids, dtable, count, dim);
        var (ta, ia, dya) = (A(dtable), A(ids), A(dy));
        int vocab = dtable.Length / dim;
        // Repeated ids write the same table row, so the parallel split is over columns, not ids:
        // each range owns a slice of every row and the adds stay in id order (deterministic).
        int chunks = HostParallel.Chunks(dim, count);
        HostParallel.For(chunks, dim, (_, c0, c1) =>
        {
            for (int i = 0; i < count; i++)
            {
                if ((uint)ia[i] >= (uint)vocab) continue;
                var row = ta.AsSpan(ia[i] * dim + c0, c1 - c0);
                TensorPrimitives.Add(row, dya.AsSpan(i * dim + c0, c1 - c0), row);
            }
        });
    }
}
