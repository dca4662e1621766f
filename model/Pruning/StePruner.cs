using NativeDsp.Engine;

namespace NativeDsp.Model.Pruning;

/// <summary>
/// The straight-through baseline: the forward pass uses the hard top-K of w (exactly K heads, no noise)
/// and the backward pass copies dL/dmask onto w unchanged. w is initialised as DSP's.
/// </summary>
public sealed class StePruner : LogitPruner
{
    public StePruner(Device device, HeadIndex index, HeadBudget budget, float learningRate = 0.5f, ulong seed = 0)
        : base(index, budget ?? throw new ArgumentNullException(nameof(budget), "STE needs a head budget K"), learningRate, device)
    {
        Init.XavierUniform(Logits, new Rng(seed).Fork(0), fans: (index.Count, 1));
    }

    public override string Method => "ste";

    public override Tensor Mask(long step, bool training) => training ? PerBudget(null, (w, _, k) => Ops.SteTopK(w, k)) : HardMask();

    public override float[] SnapshotMask(long step) => HeadSelection.ToGate(FinalKeep());
}
