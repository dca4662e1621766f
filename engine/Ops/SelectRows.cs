namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>
    /// Picks entries of the first axis: y[i, ...] = x[indices[i], ...] (indices may repeat and reorder).
    /// Beam search uses it to expand an encoder output over the beams and to reorder key/value caches after
    /// each step. The backward adds each output block back into the block it came from (repeats accumulate).
    /// </summary>
    /// <exception cref="ArgumentException">x has rank 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, rows).</exception>
    public static Tensor SelectRows(Tensor x, ReadOnlySpan<int> indices)
    {
        const string op = "select_rows";
        RankAtLeast(op, x, 1);
        int rows = x.Shape[0], block = rows == 0 ? 0 : x.Count / rows;
        foreach (int i in indices)
            if (i < 0 || i >= rows) throw new ArgumentOutOfRangeException(nameof(indices), $"{op}: index {i} is outside [0, {rows}) for shape {x.Shape}");

        int[] idx = indices.ToArray();
        var y = NewOutput(x, x.Shape.With(0, idx.Length));
        var k = K(x);
        // Runs of consecutive source rows (the common case: beams that stay in place) go in one copy.
        foreach (var (dst, src, count) in Runs(idx))
            k.Copy(x.Buffer, src * block, y.Buffer, dst * block, count * block, accumulate: false);
        x.Device.Tape.Record(op, y, [x], () =>
        {
            foreach (var (dst, src, count) in Runs(idx))
                k.Copy(Dy(y), dst * block, G(x), src * block, count * block, accumulate: true);
        });
        return y;
    }

    /// <summary>Maximal runs where idx[dst + j] = src + j, as (dst, src, count).</summary>
    static IEnumerable<(int Dst, int Src, int Count)> Runs(int[] idx)
    {
        if (idx.Length == 0) yield break;
        int start = 0;
        for (int i = 1; i <= idx.Length; i++)
        {
            if (i < idx.Length && idx[i] == idx[i - 1] + 1) continue;
            yield return (start, idx[start], i - start);
            start = i;
        }
    }
}
