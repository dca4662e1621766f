namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// One group of units of one kind inside a <see cref="UnitIndex"/>: global unit ids [Offset, Offset + Count).
/// Heads and neurons have one group per module (per attention module, per FFN); blocks have one group per kind
/// holding one unit per module. <see cref="KindOffset"/> is the first unit's position inside its kind's gate
/// (the slice <see cref="UnitGates"/> hands the module).
/// </summary>
/// <param name="Name">The module's full name, e.g. "encoder.layers.3.ffn", or "attention blocks".</param>
/// <param name="Kind">The kind of every unit of the group.</param>
/// <param name="Layer">The layer of the module; -1 for a block group spanning layers.</param>
/// <param name="Offset">The first unit's global id.</param>
/// <param name="KindOffset">The first unit's position in its kind's range (Offset - the kind's first id).</param>
/// <param name="Count">Units in the group.</param>
/// <param name="ParametersPerUnit">Parameters one unit holds (what removing it saves): a head 4 d D + 3 D, a neuron 2 d + 1, a block its module's, or only its output bias d when its heads / neurons are selected too (they are costed there; see <see cref="UnitIndex"/>).</param>
/// <param name="FlopsPerUnitPerToken">Forward FLOP per token one unit costs (a multiply-add = 2), sequence-length independent part.</param>
/// <param name="FlopsPerUnitPerTokenPerKey">Forward FLOP per token per attended key (attention scores and weighted sum: 4 D per head; 0 for neurons).</param>
public sealed record UnitGroup(string Name, UnitKind Kind, int Layer, int Offset, int KindOffset, int Count,
                               long ParametersPerUnit, long FlopsPerUnitPerToken, long FlopsPerUnitPerTokenPerKey)
{
    /// <summary>The global id of local unit <paramref name="local"/>.</summary>
    public int Global(int local) => Offset + local;

    /// <summary>Forward FLOP per token of one unit at sequence length <paramref name="keys"/>.</summary>
    public double FlopsPerToken(int keys) => FlopsPerUnitPerToken + (double)FlopsPerUnitPerTokenPerKey * keys;

    /// <summary>"name (kind, layer L): units [a, b)".</summary>
    public override string ToString() => $"{Name} ({Kind}{(Layer >= 0 ? $", layer {Layer}" : "")}): units [{Offset}, {Offset + Count})";
}
