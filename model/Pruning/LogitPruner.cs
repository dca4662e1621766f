using NativeDsp.Engine;

namespace NativeDsp.Model.Pruning;

/// <summary>
/// What the learned methods (DSP, STE, Voita) share: one logit per head of the global index held as a
/// parameter named "logits" (so trainer checkpoints save it with the pruner as an extra module), a
/// constant-rate parameter group, and per-module application of a mask op under a per-module budget.
/// </summary>
public abstract class LogitPruner : Module, IHeadPruner
{
    protected LogitPruner(HeadIndex index, HeadBudget? budget, float learningRate, Device device)
    {
        budget?.Validate(index);
        if (!(learningRate > 0) || float.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "head pruner: the learning rate of the head logits must be finite and > 0");
        Index = index;
        Budget = budget;
        Device = device;
        Logits = RegisterParameter("logits", new Parameter(device, new Shape(index.Count)));
        ParameterGroup = new ParameterGroup([Logits], learningRate, weightDecay: 0f, constantLearningRate: true, name: "head_logits");
    }

    public abstract string Method { get; }
    public HeadIndex Index { get; }
    public HeadBudget? Budget { get; }
    public Device Device { get; }

    /// <summary>w (DSP, STE) or log alpha (Voita), one per head.</summary>
    public Parameter Logits { get; }

    public ParameterGroup ParameterGroup { get; }
    ParameterGroup? IHeadPruner.ParameterGroup => ParameterGroup;

    public abstract Tensor Mask(long step, bool training);
    public virtual Tensor? Penalty() => null;
    public virtual float[] Scores() => Logits.ToArray();
    public abstract float[] SnapshotMask(long step);

    public virtual bool[] FinalKeep() =>
        HeadSelection.TopK(Scores(), Budget ?? throw new InvalidOperationException($"{Method}: no head budget K was given"), Index);

    /// <summary>The hard test-time gate of <see cref="FinalKeep"/> as a tape-owned constant.</summary>
    protected Tensor HardMask() => Device.Tape.Own(Index.GateTensor(Device, HeadSelection.ToGate(FinalKeep())));

    /// <summary>
    /// Applies <paramref name="op"/> (slice of logits, slice of noise, K) to the whole vector for a global
    /// budget, or to each module's slice with its K_l for a per-module budget (a module with K_l = 0 gets an
    /// all-zero gate), and concatenates the results into one gate over the index.
    /// </summary>
    protected Tensor PerBudget(Tensor? noise, Func<Tensor, Tensor?, int, Tensor> op)
    {
        var budget = Budget!;
        if (budget.Modules is not { } perModule) return op(Logits, noise, budget.Total);
        var parts = new Tensor[Index.Groups.Count];
        for (int m = 0; m < parts.Length; m++)
        {
            var g = Index.Groups[m];
            var w = Ops.Slice(Logits, 0, g.Offset, g.Count);
            var n = noise is null ? null : Ops.Slice(noise, 0, g.Offset, g.Count);
            parts[m] = perModule[m] == 0 ? Ops.Scale(w, 0f) : perModule[m] == g.Count ? Ops.AddScalar(Ops.Scale(w, 0f), 1f) : op(w, n, perModule[m]);
        }
        return Ops.Concat(0, parts);
    }

    /// <summary>Runs a mask computation without recording and reads it back.</summary>
    protected float[] Peek(Func<Tensor> mask)
    {
        using var noGrad = NoGrad.Scope();
        using var scope = Device.Scope();
        return mask().ToArray();
    }
}
