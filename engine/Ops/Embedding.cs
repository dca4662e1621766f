namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>
    /// Rows of <paramref name="table"/> [V, d] picked by <paramref name="ids"/> [...]: y [..., d]. The
    /// backward scatter-adds into the table's gradient (repeated ids accumulate).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, V); checked on the host against
    /// <see cref="IntTensor.HostValues"/>, the one place ids are validated (the kernels trust them).</exception>
    /// <exception cref="ShapeException">The table is not [V, d].</exception>
    public static Tensor Embedding(Tensor table, IntTensor ids)
    {
        const string op = "embedding";
        if (table.Shape.Rank != 2) throw new ShapeException(op, table.Shape, ids.Shape, "the table must be [vocab, dim]");
        int vocab = table.Shape[0], dim = table.Shape[1], count = ids.Count;
        var values = ids.HostValues;
        for (int i = 0; i < values.Length; i++)
            if ((uint)values[i] >= (uint)vocab)
                throw new ArgumentOutOfRangeException(nameof(ids), $"{op}: id {values[i]} at position {i} of ids {ids.Shape} is outside [0, {vocab}) for table {table.Shape}");

        var y = NewOutput(table, new Shape([.. ids.Shape.ToArray(), dim]));
        K(table).EmbeddingForward(table.Buffer, ids.Buffer, y.Buffer, count, dim);
        table.Device.Tape.Record(op, y, [table], () => K(table).EmbeddingBackward(Dy(y), ids.Buffer, G(table), count, dim));
        return y;
    }
}
