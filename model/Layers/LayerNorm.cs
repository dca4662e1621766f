using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>Layer normalisation over the last axis with "weight" (gamma, ones) and "bias" (beta, zeros).</summary>
public sealed class LayerNorm : Module
{
    public LayerNorm(Device device, int dim, float eps)
    {
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "layer norm: eps must be > 0");
        Eps = eps;
        Weight = RegisterParameter("weight", new Parameter(device, new Shape(dim)));
        Bias = RegisterParameter("bias", new Parameter(device, new Shape(dim)));
        Init.Ones(Weight);
    }

    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public float Eps { get; }

    public Tensor Forward(Tensor x) => Ops.LayerNorm(x, Weight, Bias, Eps);
}
