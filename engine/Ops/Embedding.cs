namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>
    /// Rows of <paramref name="table"/> [V, d] picked by <paramref name="ids"/> [...]: y [..., d]. The
    /// backward scatter-adds into the table's gradient (repeated ids accumulate). Ids must be in [0, V):
    /// pass <paramref name="check"/> to verify that on the host (one read-back).
    /// </summary>
    /// <exception cref="ShapeException">The table is not [vocab, dim].</exception>
    /// <exception cref="ArgumentOutOfRangeException">With check, an id is outside [0, vocab).</exception>
    public static Tensor Embedding(Tensor table, IntTensor ids, bool check = false)
    {
        const string op = "embedding";
        if (table.Shape.Rank != 2) throw new ShapeException(op, table.Shape, ids.Shape, "the table must be [vocab, dim]");
        int vocab = table.Shape[0], dim = table.Shape[1], count = ids.Count;
        if (check)
            foreach (int id in ids.ToArray())
                if (id < 0 || id >= vocab) throw new ArgumentOutOfRangeException(nameof(ids), $"{op}: id {id} is outside [0, {vocab}) for table {table.Shape}");

        var y = NewOutput(table, new Shape([.. ids.Shape.ToArray(), dim]));
        K(table).EmbeddingForward(table.Buffer, ids.Buffer, y.Buffer, count, dim);
        table.Device.Tape.Record(op, y, [table], () => K(table).EmbeddingBackward(Dy(y), ids.Buffer, G(table), count, dim));
        return y;
    }
}
