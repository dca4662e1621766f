using NativeDsp.Kernels;

namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>The sum of all elements, as a scalar (shape []).</summary>
    public static Tensor Sum(Tensor x) => ReduceRows("sum", x, 1, x.Count, 1f, Shape.Scalar);

    /// <summary>The mean of all elements, as a scalar (shape []).</summary>
    public static Tensor Mean(Tensor x) => ReduceRows("mean", x, 1, x.Count, 1f / Math.Max(x.Count, 1), Shape.Scalar);

    /// <summary>Sums over the last axis: [..., d] -> [...].</summary>
    /// <exception cref="ArgumentException">x has rank 0.</exception>
    public static Tensor SumLast(Tensor x)
    {
        RankAtLeast("sum_last", x, 1);
        return ReduceRows("sum_last", x, x.Shape.Rows, x.Shape.Last, 1f, x.Shape.DropLast());
    }

    /// <summary>Averages over the last axis: [..., d] -> [...].</summary>
    /// <exception cref="ArgumentException">x has rank 0.</exception>
    public static Tensor MeanLast(Tensor x)
    {
        RankAtLeast("mean_last", x, 1);
        return ReduceRows("mean_last", x, x.Shape.Rows, x.Shape.Last, 1f / Math.Max(x.Shape.Last, 1), x.Shape.DropLast());
    }

    static Tensor ReduceRows(string op, Tensor x, int rows, int cols, float scale, Shape outShape)
    {
        var y = NewOutput(x, outShape);
        var k = K(x);
        k.ReduceRows(x.Buffer, y.Buffer, rows, cols, scale);
        x.Device.Tape.Record(op, y, [x], () =>
        {
            // dx[r, c] += scale * dy[r]: scale dy into a row-sized scratch, then broadcast-add it over the columns.
            using var scaled = Scratch(x, rows);
            k.ScaleShift(Dy(y), scaled, rows, scale, 0f);
            var dx = G(x);
            k.Binary(BinaryOp.Add, dx, scaled, dx, x.Count, rows, cols);
        });
        return y;
    }
}
