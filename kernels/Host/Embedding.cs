using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// Embedding gather and its scatter-add adjoint.
public sealed partial class HostKernels
{
    public void EmbeddingForward(DeviceBuffer<float> table, DeviceBuffer<int> ids, DeviceBuffer<float> y, int count, int dim)
    {
        const string op = nameof(EmbeddingForward);
        var (ta, ia, vocab) = EmbeddingInputs(op, table, ids, count, dim);
        var ya = Need(y, (long)count * dim, op, nameof(y), "count, dim", count, dim);
        Require(!ReferenceEquals(ta, ya), op, "y must not alias the table");
        HostParallel.For(count, dim, (start, end) =>
        {
            for (int i = start; i < end; i++) ta.AsSpan(ia[i] * dim, dim).CopyTo(ya.AsSpan(i * dim, dim));
        });
    }

    public void EmbeddingBackward(DeviceBuffer<float> dy, DeviceBuffer<int> ids, DeviceBuffer<float> dtable, int count, int dim)
    {
        const string op = nameof(EmbeddingBackward);
        var (ta, ia, _) = EmbeddingInputs(op, dtable, ids, count, dim);
        var dya = Need(dy, (long)count * dim, op, nameof(dy), "count, dim", count, dim);
        Require(!ReferenceEquals(ta, dya), op, "dy must not alias dtable");
        // Repeated ids write the same table row, so the parallel split is over columns, not ids:
        // each range owns a slice of every row and the adds stay in id order (deterministic).
        int chunks = HostParallel.Chunks(dim, count);
        HostParallel.For(chunks, dim, (_, c0, c1) =>
        {
            for (int i = 0; i < count; i++)
            {
                var row = ta.AsSpan(ia[i] * dim + c0, c1 - c0);
                TensorPrimitives.Add(row, dya.AsSpan(i * dim + c0, c1 - c0), row);
            }
        });
    }

    (float[] table, int[] ids, int vocab) EmbeddingInputs(string op, DeviceBuffer<float> table, DeviceBuffer<int> ids, int count, int dim)
    {
        NonNegative(op, "count, dim", count, dim);
        Require(dim >= 1, op, $"dim {dim} must be >= 1");
        var ta = A(table);
        int vocab = table.Length / dim;
        var ia = Need(ids, count, op, nameof(ids), "count", count);
        for (int i = 0; i < count; i++)
            if ((uint)ia[i] >= (uint)vocab)
                throw new ArgumentOutOfRangeException(nameof(ids), $"{op}: id {ia[i]} at position {i} is outside the vocabulary [0, {vocab}) (table of {table.Length} elements, dim {dim})");
        return (ta, ia, vocab);
    }
}
