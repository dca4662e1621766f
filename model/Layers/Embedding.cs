using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>A lookup table [count, dim] ("weight"): ids [...] give rows [..., dim].</summary>
public sealed class Embedding : Module
{
    public Embedding(Device device, int count, int dim)
    {
        if (count < 1 || dim < 1) throw new ArgumentOutOfRangeException(nameof(count), $"embedding: needs count >= 1 and dim >= 1, got {count} x {dim}");
        Weight = RegisterParameter("weight", new Parameter(device, new Shape(count, dim)));
    }

    public Parameter Weight { get; }
    public int Count => Weight.Shape[0];
    public int Dim => Weight.Shape[1];

    public Tensor Forward(IntTensor ids) => Ops.Embedding(Weight, ids);
}
