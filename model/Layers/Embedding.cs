using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>A lookup table [count, dim] ("weight"): ids [...] give rows [..., dim].</summary>
public sealed class Embedding : Module
{
    /// <summary>A zero-filled table of <paramref name="count"/> rows of <paramref name="dim"/> features (ModelInit fills it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">count or dim is below 1.</exception>
    public Embedding(Device device, int count, int dim)
    {
        if (count < 1 || dim < 1) throw new ArgumentOutOfRangeException(nameof(count), $"embedding: needs count >= 1 and dim >= 1, got {count} x {dim}");
        Weight = RegisterParameter("weight", new Parameter(device, new Shape(count, dim)));
    }

    /// <summary>The table [count, dim].</summary>
    public Parameter Weight { get; }
    /// <summary>The number of rows (vocabulary size).</summary>
    public int Count => Weight.Shape[0];
    /// <summary>The vector size.</summary>
    public int Dim => Weight.Shape[1];

    /// <summary>The rows of <paramref name="ids"/> [...]: [..., dim]. Ids must be in [0, Count); they are not checked here (see <see cref="Ops.Embedding"/>).</summary>
    public Tensor Forward(IntTensor ids) => Ops.Embedding(Weight, ids);
}
