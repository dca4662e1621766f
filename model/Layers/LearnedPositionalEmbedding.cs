using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>A trained table of position vectors ("weight" [maxPositions, dim]), as BERT.</summary>
public sealed class LearnedPositionalEmbedding : Module, IPositionalEmbedding
{
    public LearnedPositionalEmbedding(Device device, int maxPositions, int dim)
    {
        Weight = RegisterParameter("weight", new Parameter(device, new Shape(maxPositions, dim)));
    }

    public Parameter Weight { get; }
    public int MaxPositions => Weight.Shape[0];
    public int Dim => Weight.Shape[1];

    public Tensor Forward(int start, int length) =>
        Ops.Embedding(Weight, Positions.Ids(Weight.Device, start, length, MaxPositions));
}
