using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// A model whose heads, FFN neurons and whole residual blocks a pruner can see and remove. The pruner holds
/// ONE gate vector over a <see cref="UnitIndex"/> built from the model; <see cref="UnitGates.Split"/> cuts it
/// into one gate per kind, which the model's forward pass takes (each module reads its own slice).
/// </summary>
public interface IUnitPrunable : IHeadPrunable
{
    /// <summary>Every FFN with its full name (e.g. "encoder.layers.2.ffn") and layer, in layer order.</summary>
    IEnumerable<(string Name, int Layer, FeedForward Module)> FeedForwardModules();

    /// <summary>
    /// Physically removes every unit of <paramref name="index"/> whose id is not in <paramref name="keep"/>
    /// (heads, neurons, branches), then rebuilds the model's head index. Build a new <see cref="UnitIndex"/>
    /// afterwards: ids change. Parameters are replaced, so optimizers must be rebuilt.
    /// </summary>
    /// <exception cref="ArgumentException">The index was not built over this model's current units.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, index.Count).</exception>
    void PruneUnits(UnitIndex index, IEnumerable<int> keep);
}
