namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>
    /// Layer normalisation over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta with the biased
    /// variance; gamma and beta are [d]. The row means and inverse deviations are saved for the backward.
    /// </summary>
    /// <exception cref="ShapeException">gamma is not [d] for x [..., d], or beta's shape differs from gamma's.</exception>
    /// <exception cref="ArgumentException">The operands are on different devices.</exception>
    public static Tensor LayerNorm(Tensor x, Tensor gamma, Tensor beta, float eps = 1e-5f)
    {
        const string op = "layernorm";
        RankAtLeast(op, x, 1);
        int rows = x.Shape.Rows, cols = x.Shape.Last;
        if (gamma.Shape.Rank != 1 || gamma.Shape[0] != cols) throw new ShapeException(op, x.Shape, gamma.Shape, $"gamma must be [{cols}]");
        if (beta.Shape != gamma.Shape) throw new ShapeException(op, gamma.Shape, beta.Shape, "gamma and beta must have the same shape");
        SameDevice(op, x, gamma);
        SameDevice(op, x, beta);

        var y = NewOutput(x, x.Shape);
        var mean = NewOutput(x, new Shape(rows));
        var rstd = NewOutput(x, new Shape(rows));
        var k = K(x);
        k.LayerNormForward(x.Buffer, gamma.Buffer, beta.Buffer, y.Buffer, mean.Buffer, rstd.Buffer, rows, cols, eps);
        x.Device.Tape.Record(op, y, [x, gamma, beta], () =>
        {
            // The fused kernel produces all three gradients at once; inputs that need none get a scratch.
            using var dxScratch = x.RequiresGrad ? null : Scratch(x, x.Count);
            using var dgScratch = gamma.RequiresGrad ? null : Scratch(x, cols);
            using var dbScratch = beta.RequiresGrad ? null : Scratch(x, cols);
            k.LayerNormBackward(Dy(y), x.Buffer, gamma.Buffer, mean.Buffer, rstd.Buffer,
                dxScratch ?? G(x), dgScratch ?? G(gamma), dbScratch ?? G(beta), rows, cols);
        });
        return y;
    }
}
