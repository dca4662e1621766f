using NativeDsp.Engine;

namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// Differentiable Subset Pruning (Li, Cotterell &amp; Sachan 2021) over any <see cref="UnitIndex"/> (heads, FFN
/// neurons, attention and FFN blocks) with an exact <see cref="UnitBudget"/>: the paper's relaxation, applied
/// beyond heads (issue 20). One logit w per unit (Xavier-uniform as <see cref="DspPruner"/>, seeded the same
/// way), a Gumbel-soft-top-K mask per <see cref="BudgetSegment"/> drawn every training step with the step's
/// Philox noise at the annealed temperature, and the deterministic top-K of w per segment at test time
/// (<see cref="UnitSelection.TopK"/>: exactly K per segment). The gradient reaches w only through the relaxation.
/// Choices the paper leaves open (it prunes heads under one global K): each budget segment is relaxed on its
/// own (a per-kind budget keeps heads and neurons from competing in one softmax, whose scores are not
/// comparable); units outside every segment get gate 1 (kept, no gradient); a segment with K = 0 or K = its
/// size gets the constant 0 or 1 gate. Over a heads-only index the masks equal <see cref="DspPruner"/>'s for
/// the same seed (global budget = one segment, per-module budget = one segment per module), except that a
/// global K = all units gives the constant 1 here and the relaxation of the whole vector there. All segments are
/// one op (<see cref="Ops.SoftTopKSegments"/>), relaxed in parallel on the Host (a budget per layer).
/// </summary>
public sealed class UnitDspPruner : SegmentedLogits, IUnitPruner
{
    readonly DspRelaxation relaxation;

    /// <summary>DSP over <paramref name="units"/> keeping <paramref name="budget"/>'s exact counts; w is Xavier-uniform from the options' seed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="budget"/> is null (DSP needs K).</exception>
    /// <exception cref="ArgumentException">The budget does not fit the index.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate or the temperature schedule is invalid.</exception>
    public UnitDspPruner(Device device, UnitIndex units, UnitBudget budget, DspOptions? options = null)
        : base(Validated(units, budget).Count, (options ?? new()).LearningRate, device, "unit_logits", "unit pruner")
    {
        Units = units;
        Budget = budget;
        relaxation = new DspRelaxation(options ?? new DspOptions(), Logits);
    }

    static UnitIndex Validated(UnitIndex units, UnitBudget? budget)
    {
        ArgumentNullException.ThrowIfNull(units);
        if (budget is null) throw new ArgumentNullException(nameof(budget), "DSP needs a unit budget K");
        budget.Validate(units);
        return units;
    }

    /// <summary>"dsp".</summary>
    public string Method => "dsp";
    /// <summary>The unit index w is laid out over.</summary>
    public UnitIndex Units { get; }
    /// <summary>The exact counts kept per segment.</summary>
    public UnitBudget Budget { get; }
    UnitBudget? IUnitPruner.Budget => Budget;
    ParameterGroup? IUnitPruner.ParameterGroup => ParameterGroup;
    /// <summary>The settings.</summary>
    public DspOptions Options => relaxation.Options;

    /// <summary>tau at optimizer step <paramref name="step"/>.</summary>
    public double Temperature(long step) => relaxation.Temperature(step);

    /// <summary>
    /// Training: the Gumbel-soft-top-K of w with step <paramref name="step"/>'s noise at tau(step), per segment
    /// (non-negative, summing to the segment's K; an entry can exceed 1), 1 outside the segments; otherwise the
    /// hard 0/1 mask of <see cref="FinalKeep"/>. Tape-owned, [Units.Count].
    /// </summary>
    public Tensor Mask(long step, bool training) =>
        training ? Relaxed(step, withNoise: true) : Device.Tape.Own(UnitGates.KeepTensor(Device, Units, FinalKeep()));

    /// <summary>The per-segment soft top-K of w (+ the step's Gumbel noise) at the step's temperature, [Units.Count].</summary>
    public Tensor Relaxed(long step, bool withNoise) =>
        relaxation.Relax(Logits, relaxation.Noise(Device, Units.Count, step, withNoise), Budget.Segments, step);

    /// <summary>No penalty: the budget is exact.</summary>
    public Tensor? Penalty() => null;

    /// <summary>The K highest w in each segment (ties to the lower id), every unit outside the segments.</summary>
    public bool[] FinalKeep() => UnitSelection.TopK(Scores(), Budget, Units);

    /// <summary>w, read to the host.</summary>
    public float[] Scores() => Logits.ToArray();

    /// <summary>The soft top-K of w without noise at tau(step), read to the host.</summary>
    public float[] SnapshotMask(long step) => Peek(() => Relaxed(step, withNoise: false));
}
