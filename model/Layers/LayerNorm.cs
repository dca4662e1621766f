using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>Layer normalisation over the last axis with "weight" (gamma, ones) and "bias" (beta, zeros).</summary>
public sealed class LayerNorm : Module
{
    /// <summary>Layer normalisation (Ba et al. 2016) over <paramref name="dim"/> features: gamma ones, beta zeros.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eps"/> is not positive.</exception>
    public LayerNorm(Device device, int dim, float eps)
    {
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "layer norm: eps must be > 0");
        Eps = eps;
        Weight = RegisterParameter("weight", new Parameter(device, new Shape(dim)));
        Bias = RegisterParameter("bias", new Parameter(device, new Shape(dim)));
        Init.Ones(Weight);
    }

    /// <summary>gamma [dim].</summary>
    public Parameter Weight { get; }
    /// <summary>beta [dim].</summary>
    public Parameter Bias { get; }
    /// <summary>Added to the variance before the square root (1e-12 in BERT, 1e-5 in fairseq).</summary>
    public float Eps { get; }

    /// <summary>(x - mean) / sqrt(var + eps) * gamma + beta over the last axis of x [..., dim] (biased variance); x's shape.</summary>
    /// <exception cref="ShapeException">x's last dimension is not dim.</exception>
    public Tensor Forward(Tensor x) => Ops.LayerNorm(x, Weight, Bias, Eps);
}
