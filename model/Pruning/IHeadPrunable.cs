using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Pruning;

/// <summary>
/// A model whose attention heads a pruner can see and remove. The pruner holds ONE gate vector of length
/// <see cref="HeadIndex"/>.Count, passes it to the model's forward pass (each attention module reads its
/// own slice), and may finally call <see cref="PruneHeads"/> with the heads to keep.
/// </summary>
public interface IHeadPrunable
{
    /// <summary>The global index of the model's current heads (replaced by <see cref="PruneHeads"/>).</summary>
    HeadIndex HeadIndex { get; }

    /// <summary>
    /// Every attention module with its full name, kind and layer. Order within a kind is by layer; the
    /// index sorts by (kind, layer), so the implementation's own order does not matter.
    /// </summary>
    IEnumerable<(string Name, AttentionKind Kind, int Layer, MultiHeadAttention Module)> AttentionModules();

    /// <summary>Physically removes every head whose global id is not in <paramref name="keep"/>, then re-indexes.</summary>
    void PruneHeads(IEnumerable<int> keep);
}
