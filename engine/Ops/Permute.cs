namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>
    /// Swaps axes 1 and 2 of a rank-4 tensor: [d0, d1, d2, d3] -> [d0, d2, d1, d3], e.g. the heads of
    /// attention [B, T, H, D] &lt;-&gt; [B, H, T, D]. It is its own adjoint with d1 and d2 exchanged.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not rank 4.</exception>
    public static Tensor SwapAxes12(Tensor x)
    {
        if (x.Shape.Rank != 4) throw new ArgumentException($"swap_axes12: needs a rank-4 tensor, got shape {x.Shape}");
        int d0 = x.Shape[0], d1 = x.Shape[1], d2 = x.Shape[2], d3 = x.Shape[3];
        var y = NewOutput(x, new Shape(d0, d2, d1, d3));
        K(x).SwapAxes12(x.Buffer, y.Buffer, d0, d1, d2, d3, accumulate: false);
        x.Device.Tape.Record("swap_axes12", y, [x], () => K(x).SwapAxes12(Dy(y), G(x), d0, d2, d1, d3, accumulate: true));
        return y;
    }

    /// <summary>Transposes the last two axes: [..., m, n] -> [..., n, m] (a swap with a unit last axis).</summary>
    /// <exception cref="ArgumentException">x has rank below 2.</exception>
    public static Tensor TransposeLast2(Tensor x)
    {
        RankAtLeast("transpose", x, 2);
        int m = x.Shape[-2], n = x.Shape[-1], batch = x.Count / Math.Max(m * n, 1);
        var dims = x.Shape.ToArray();
        (dims[^2], dims[^1]) = (n, m);
        var y = NewOutput(x, new Shape(dims));
        K(x).SwapAxes12(x.Buffer, y.Buffer, batch, m, n, 1, accumulate: false);
        x.Device.Tape.Record("transpose", y, [x], () => K(x).SwapAxes12(Dy(y), G(x), batch, n, m, 1, accumulate: true));
        return y;
    }
}
