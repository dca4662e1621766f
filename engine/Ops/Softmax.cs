namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>Softmax over the last axis; the backward reads the saved output.</summary>
    /// <exception cref="ArgumentException">x has rank 0.</exception>
    public static Tensor Softmax(Tensor x)
    {
        RankAtLeast("softmax", x, 1);
        int rows = x.Shape.Rows, cols = x.Shape.Last;
        var y = NewOutput(x, x.Shape);
        K(x).SoftmaxForward(x.Buffer, y.Buffer, rows, cols);
        x.Device.Tape.Record("softmax", y, [x], () => K(x).SoftmaxBackward(y.Buffer, Dy(y), G(x), rows, cols));
        return y;
    }

    /// <summary>Log-softmax over the last axis; the backward reads the saved output.</summary>
    /// <exception cref="ArgumentException">x has rank 0.</exception>
    public static Tensor LogSoftmax(Tensor x)
    {
        RankAtLeast("log_softmax", x, 1);
        int rows = x.Shape.Rows, cols = x.Shape.Last;
        var y = NewOutput(x, x.Shape);
        K(x).LogSoftmaxForward(x.Buffer, y.Buffer, rows, cols);
        x.Device.Tape.Record("log_softmax", y, [x], () => K(x).LogSoftmaxBackward(y.Buffer, Dy(y), G(x), rows, cols));
        return y;
    }
}
