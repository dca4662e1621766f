namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>
    /// The same elements in another shape (one dimension may be -1). The output shares the input's
    /// storage; only the gradients are separate, and the backward adds the output's into the input's.
    /// </summary>
    /// <exception cref="ArgumentException">More than one -1, or the element count changes (the message names both shapes).</exception>
    public static Tensor Reshape(Tensor x, params int[] dims)
    {
        var shape = x.Shape.Reshaped(dims);
        var y = x.Device.Tape.Own(x.View(shape));
        x.Device.Tape.Record("reshape", y, [x], () => K(x).Axpy(1f, Dy(y), G(x), x.Count));
        return y;
    }

    /// <summary>Flattens all leading dimensions: [..., d] -> [rows, d].</summary>
    public static Tensor Flatten2D(Tensor x) => Reshape(x, x.Shape.Rows, x.Shape.Last);
}
