using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>A trained table of position vectors ("weight" [maxPositions, dim]), as BERT.</summary>
public sealed class LearnedPositionalEmbedding : Module, IPositionalEmbedding
{
    /// <summary>A zero-filled table [maxPositions, dim] (ModelInit fills it).</summary>
    public LearnedPositionalEmbedding(Device device, int maxPositions, int dim)
    {
        Weight = RegisterParameter("weight", new Parameter(device, new Shape(maxPositions, dim)));
    }

    /// <summary>The table [maxPositions, dim].</summary>
    public Parameter Weight { get; }
    /// <summary>The number of positions.</summary>
    public int MaxPositions => Weight.Shape[0];
    /// <summary>The vector size.</summary>
    public int Dim => Weight.Shape[1];

    /// <summary>Rows [start, start + length) of the table: [length, dim].</summary>
    /// <exception cref="ArgumentOutOfRangeException">The positions exceed [0, MaxPositions).</exception>
    public Tensor Forward(int start, int length) =>
        Ops.Embedding(Weight, Positions.Ids(Weight.Device, start, length, MaxPositions));
}
