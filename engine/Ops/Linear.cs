namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>
    /// y = x W^T + b over the last axis: x [..., in], W [out, in] (PyTorch's layout), b [out] or null;
    /// y [..., out]. The leading dims fold into the rows of one matrix product.
    /// </summary>
    /// <exception cref="ShapeException">The weight is not [out, in] with x's last dimension as in, or the bias is not [out].</exception>
    /// <exception cref="ArgumentException">The operands are on different devices.</exception>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        const string op = "linear";
        SameDevice(op, x, weight);
        RankAtLeast(op, x, 1);
        if (weight.Shape.Rank != 2) throw new ShapeException(op, x.Shape, weight.Shape, "the weight must be [out, in]");
        int rows = x.Shape.Rows, inF = x.Shape.Last, outF = weight.Shape[0];
        if (weight.Shape[1] != inF) throw new ShapeException(op, x.Shape, weight.Shape, $"input features {inF} vs weight's {weight.Shape[1]}");
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != outF))
            throw new ShapeException(op, weight.Shape, bias.Shape, $"the bias must be [{outF}]");

        var y = NewOutput(x, x.Shape.With(-1, outF));
        var k = K(x);
        k.MatMul(x.Buffer, weight.Buffer, y.Buffer, 1, rows, outF, inF, false, true, 0, 0, 0);
        if (bias is not null) k.Binary(Kernels.BinaryOp.Add, y.Buffer, bias.Buffer, y.Buffer, y.Count, outF, 1);

        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        x.Device.Tape.Record(op, y, inputs, () =>
        {
            var dy = Dy(y);
            if (x.RequiresGrad) k.MatMul(dy, weight.Buffer, G(x), 1, rows, inF, outF, false, false, 0, 0, 0, 1f, 1f);
            if (weight.RequiresGrad) k.MatMul(dy, x.Buffer, G(weight), 1, outF, inF, rows, true, false, 0, 0, 0, 1f, 1f);
            if (bias is { RequiresGrad: true }) k.ReduceBroadcast(dy, null, G(bias), y.Count, outF, 1, accumulate: true);
        });
        return y;
    }
}
