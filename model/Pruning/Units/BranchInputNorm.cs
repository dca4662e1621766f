using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// The LayerNorm a pre-LN layer applies in front of one residual branch (x + branch(norm(x))): only that branch reads
/// it, so removing the branch leaves it unused and it goes with the branch (its 2 d parameters leave the model, the
/// parameter count and the checkpoint). A post-LN layer has none: its norm runs on the residual sum whether the branch
/// is there or not (norm(x + branch(x)) becomes norm(x)). The layer that owns the norm creates this and unregisters the
/// norm in <paramref name="remove"/>.
/// </summary>
/// <param name="norm">The branch's input LayerNorm.</param>
/// <param name="remove">Unregisters and disposes the norm in its owner (called once).</param>
public sealed class BranchInputNorm(LayerNorm norm, Action remove)
{
    /// <summary>True once the norm is removed with its branch.</summary>
    public bool Removed { get; private set; }

    /// <summary>The norm's parameters (2 d), 0 once removed.</summary>
    public long Parameters => Removed ? 0 : norm.ParameterCount;

    /// <summary>Removes the norm from its owner (a no-op the second time).</summary>
    public void Remove()
    {
        if (Removed) return;
        Removed = true;
        remove();
    }
}
