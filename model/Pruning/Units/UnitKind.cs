namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// The kinds of structure a pruner can remove. A <see cref="UnitIndex"/> lays the selected kinds out one after
/// another in this order, so that heads (when selected) keep exactly the ids of the model's <see cref="HeadIndex"/>.
/// </summary>
public enum UnitKind
{
    /// <summary>An attention head: its rows of q/k/v_proj and columns of out_proj (Michel et al. 2019; DSP).</summary>
    Head,
    /// <summary>An FFN intermediate neuron: row i of fc1 (weight and bias) and column i of fc2 (MLPruning's "rows").</summary>
    Neuron,
    /// <summary>A whole attention block: its residual branch becomes the identity (x + 0; a post-LN LayerNorm stays, a pre-LN one goes with the block).</summary>
    AttentionBlock,
    /// <summary>A whole FFN block: its residual branch becomes the identity (x + 0; a post-LN LayerNorm stays, a pre-LN one goes with the block).</summary>
    FfnBlock,
}

/// <summary>A set of <see cref="UnitKind"/>s, e.g. heads + neurons (<c>UnitKinds.Heads | UnitKinds.Neurons</c>).</summary>
[Flags]
public enum UnitKinds
{
    /// <summary>No unit.</summary>
    None = 0,
    /// <summary><see cref="UnitKind.Head"/>.</summary>
    Heads = 1 << UnitKind.Head,
    /// <summary><see cref="UnitKind.Neuron"/>.</summary>
    Neurons = 1 << UnitKind.Neuron,
    /// <summary><see cref="UnitKind.AttentionBlock"/>.</summary>
    AttentionBlocks = 1 << UnitKind.AttentionBlock,
    /// <summary><see cref="UnitKind.FfnBlock"/>.</summary>
    FfnBlocks = 1 << UnitKind.FfnBlock,
    /// <summary>Both kinds of block.</summary>
    Blocks = AttentionBlocks | FfnBlocks,
}

/// <summary>Conversions between <see cref="UnitKind"/> and <see cref="UnitKinds"/>.</summary>
public static class UnitKindsExtensions
{
    /// <summary>The one-kind set of <paramref name="kind"/>.</summary>
    public static UnitKinds AsSet(this UnitKind kind) => (UnitKinds)(1 << (int)kind);

    /// <summary>True when <paramref name="set"/> holds <paramref name="kind"/>.</summary>
    public static bool Has(this UnitKinds set, UnitKind kind) => (set & kind.AsSet()) != 0;

    /// <summary>The kinds of <paramref name="set"/> in layout order.</summary>
    public static IEnumerable<UnitKind> Kinds(this UnitKinds set) => Enum.GetValues<UnitKind>().Where(k => set.Has(k));
}
