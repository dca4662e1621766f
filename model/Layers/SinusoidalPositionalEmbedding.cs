using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>
/// Fixed position vectors of Vaswani et al. (2017), interleaved as in the paper:
/// PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)).
/// (fairseq puts all sines before all cosines; the two differ by a fixed permutation of the features,
/// which a model learns around equally well.) The table is computed, not trained, and is not part of the
/// state dict: it is a function of (maxPositions, dim).
/// </summary>
public sealed class SinusoidalPositionalEmbedding : Module, IPositionalEmbedding
{
    readonly Tensor table;

    /// <summary>The table [maxPositions, dim], computed in double and stored as float32.</summary>
    /// <exception cref="ArgumentOutOfRangeException">maxPositions or dim is below 1.</exception>
    public SinusoidalPositionalEmbedding(Device device, int maxPositions, int dim)
    {
        if (maxPositions < 1 || dim < 1) throw new ArgumentOutOfRangeException(nameof(maxPositions), $"sinusoidal positions: needs maxPositions >= 1 and dim >= 1, got {maxPositions} x {dim}");
        MaxPositions = maxPositions;
        Dim = dim;
        var values = new float[maxPositions * dim];
        for (int p = 0; p < maxPositions; p++)
            for (int j = 0; j < dim; j++)
            {
                double angle = p / Math.Pow(10000.0, (j & ~1) / (double)dim);
                values[p * dim + j] = (float)((j & 1) == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        table = Tensor.FromArray(device, values, maxPositions, dim);
    }

    /// <summary>The number of positions.</summary>
    public int MaxPositions { get; }
    /// <summary>The vector size.</summary>
    public int Dim { get; }

    /// <summary>Rows [start, start + length) of the table: [length, dim] (no gradient flows to the table).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The positions exceed [0, MaxPositions).</exception>
    public Tensor Forward(int start, int length) =>
        Ops.Embedding(table, Positions.Ids(table.Device, start, length, MaxPositions));

    /// <summary>Frees the table, then what the base registered.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) table.Dispose();
        base.Dispose(disposing);
    }
}
