using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Pruning;

/// <summary>
/// The heads of one attention module inside a <see cref="HeadIndex"/>: global ids [Offset, Offset + Count).
/// <see cref="OriginalOffset"/> and <see cref="Module"/>.KeptHeads map them back to the ids they had in
/// the unpruned model (original id = OriginalOffset + KeptHeads[local]).
/// </summary>
public sealed record HeadGroup(string Name, AttentionKind Kind, int Layer, int Offset, int OriginalOffset, MultiHeadAttention Module)
{
    /// <summary>The module's current head count.</summary>
    public int Count => Module.Heads;
    /// <summary>The module's head count before pruning.</summary>
    public int OriginalCount => Module.OriginalHeads;

    /// <summary>The global id of local head <paramref name="local"/>.</summary>
    public int Global(int local) => Offset + local;

    /// <summary>"name (kind, layer L): heads [a, b)".</summary>
    public override string ToString() => $"{Name} ({Kind}, layer {Layer}): heads [{Offset}, {Offset + Count})";
}
