using NativeDsp.Engine;

namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// A head pruner (<see cref="IHeadPruner"/>: DSP, STE, Voita) seen as a unit pruner over a heads-only
/// <see cref="UnitIndex"/>, whose ids are the head index's (<see cref="UnitIndex.Build"/>), so that the head methods run
/// through the unit pruning run (parameter budgets, kept-unit counts, measured speed) without a second implementation.
/// Every member forwards to the head pruner; only the budget is restated as a <see cref="UnitBudget"/>.
/// </summary>
public sealed class HeadUnitPruner : IUnitPruner
{
    /// <summary>Wraps <paramref name="heads"/>, built over <paramref name="units"/>' head index; disposing this disposes it.</summary>
    /// <exception cref="ArgumentException"><paramref name="units"/> is not heads-only, or not over the pruner's head index.</exception>
    public HeadUnitPruner(IHeadPruner heads, UnitIndex units)
    {
        if (units.Kinds != UnitKinds.Heads) throw new ArgumentException($"head unit pruner: {heads.Method} prunes heads only, not the units of {units}");
        if (!ReferenceEquals(units.Heads, heads.Index)) throw new ArgumentException("head unit pruner: the unit index was built over another head index than the pruner's");
        Inner = heads;
        Units = units;
        Budget = heads.Budget switch
        {
            null => null,
            var b when b.Modules is { } perModule => UnitBudget.PerGroup(units, perModule.ToArray()),
            var b => UnitBudget.Global(units, b.Total),
        };
    }

    /// <summary>The head pruner every member forwards to (a <see cref="Module"/> for the methods that learn logits).</summary>
    public IHeadPruner Inner { get; }

    /// <inheritdoc/>
    public string Method => Inner.Method;

    /// <inheritdoc/>
    public UnitIndex Units { get; }

    /// <inheritdoc/>
    public UnitBudget? Budget { get; }

    /// <inheritdoc/>
    public ParameterGroup? ParameterGroup => Inner.ParameterGroup;

    /// <inheritdoc/>
    public Tensor Mask(long step, bool training) => Inner.Mask(step, training);

    /// <inheritdoc/>
    public Tensor? Penalty() => Inner.Penalty();

    /// <inheritdoc/>
    public bool[] FinalKeep() => Inner.FinalKeep();

    /// <inheritdoc/>
    public float[] Scores() => Inner.Scores();

    /// <inheritdoc/>
    public float[] SnapshotMask(long step) => Inner.SnapshotMask(step);

    /// <summary>Disposes the head pruner.</summary>
    public void Dispose() => Inner.Dispose();
}
