using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Model.Pruning;

/// <summary>
/// What the learned head methods (DSP, STE, Voita) share: one logit per head of the global index held as a
/// parameter named "logits" (<see cref="SegmentedLogits"/>, so trainer checkpoints save it with the pruner as an
/// extra module), a constant-rate parameter group named "head_logits", and per-module application of a mask op
/// under a per-module budget (a module is a segment of the head index).
/// </summary>
public abstract class LogitPruner : SegmentedLogits, IHeadPruner
{
    /// <summary>Registers the zero-filled logits [heads] and their constant-rate group (no weight decay).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not finite and positive, or K is out of range.</exception>
    /// <exception cref="ArgumentException">The budget does not fit the index.</exception>
    protected LogitPruner(HeadIndex index, HeadBudget? budget, float learningRate, Device device)
        : base(Validated(index, budget).Count, learningRate, device, "head_logits", "head pruner")
    {
        Index = index;
        Budget = budget;
    }

    static HeadIndex Validated(HeadIndex index, HeadBudget? budget)
    {
        budget?.Validate(index);
        return index;
    }

    /// <summary>The method's name ("dsp", "ste", "voita").</summary>
    public abstract string Method { get; }
    /// <summary>The head index the logits are laid out over.</summary>
    public HeadIndex Index { get; }
    /// <summary>The heads to keep (null only for Voita without K).</summary>
    public HeadBudget? Budget { get; }
    ParameterGroup? IHeadPruner.ParameterGroup => ParameterGroup;

    /// <summary>See <see cref="IHeadPruner.Mask"/>.</summary>
    public abstract Tensor Mask(long step, bool training);
    /// <summary>No penalty unless a method adds one.</summary>
    public virtual Tensor? Penalty() => null;
    /// <summary>The logits, read to the host.</summary>
    public virtual float[] Scores() => Logits.ToArray();
    /// <summary>See <see cref="IHeadPruner.SnapshotMask"/>.</summary>
    public abstract float[] SnapshotMask(long step);

    /// <summary>The top-K heads by logit under the budget (global or per module).</summary>
    /// <exception cref="InvalidOperationException">No budget was given.</exception>
    public virtual bool[] FinalKeep() =>
        HeadSelection.TopK(Scores(), Budget ?? throw new InvalidOperationException($"{Method}: no head budget K was given"), Index);

    /// <summary>The hard test-time gate of <see cref="FinalKeep"/> as a tape-owned constant.</summary>
    protected Tensor HardMask() => Device.Tape.Own(Index.GateTensor(Device, HeadSelection.ToGate(FinalKeep())));

    /// <summary>
    /// Applies <paramref name="op"/> (slice of logits, slice of noise, K) to the whole vector for a global
    /// budget, or to each module's slice with its K_l for a per-module budget (a module with K_l = 0 gets an
    /// all-zero gate, one with K_l = all its heads an all-one gate), and concatenates the results into one gate
    /// over the index (<see cref="SegmentedLogits.PerSegment"/> with one segment per module).
    /// </summary>
    protected Tensor PerBudget(Tensor? noise, Func<Tensor, Tensor?, int, Tensor> op) =>
        ModuleSegments() is { } segments ? PerSegment(segments, noise, op) : op(Logits, noise, Budget!.Total);

    /// <summary>One segment per attention module with its K_l under a per-module budget; null for a global budget.</summary>
    protected IReadOnlyList<BudgetSegment>? ModuleSegments() =>
        Budget?.Modules is { } perModule
            ? Index.Groups.Select((g, m) => new BudgetSegment(g.Offset, g.Count, perModule[m])).Where(s => s.Count > 0).ToArray()
            : null;
}
