using NativeDsp.Engine;

namespace NativeDsp.Model.Pruning;

/// <summary>
/// The straight-through baseline: the forward pass uses the hard top-K of w (exactly K heads, no noise)
/// and the backward pass copies dL/dmask onto w unchanged. w is initialised as DSP's.
/// </summary>
public sealed class StePruner : LogitPruner
{
    /// <summary>The straight-through pruner keeping <paramref name="budget"/>.Total heads; w Xavier-uniform from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="budget"/> is null.</exception>
    /// <exception cref="ArgumentException">The budget does not fit the index.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is invalid.</exception>
    public StePruner(Device device, HeadIndex index, HeadBudget budget, float learningRate = 0.5f, ulong seed = 0)
        : base(index, budget ?? throw new ArgumentNullException(nameof(budget), "STE needs a head budget K"), learningRate, device)
    {
        Init.XavierUniform(Logits, new Rng(seed).Fork(0), fans: (index.Count, 1));
    }

    /// <summary>"ste".</summary>
    public override string Method => "ste";

    /// <summary>The hard 0/1 top-K of w, [heads]; in training its gradient passes straight through to w.</summary>
    public override Tensor Mask(long step, bool training) => training ? PerBudget(null, (w, _, k) => Ops.SteTopK(w, k)) : HardMask();

    /// <summary>The hard top-K of w as 0/1.</summary>
    public override float[] SnapshotMask(long step) => HeadSelection.ToGate(FinalKeep());
}
