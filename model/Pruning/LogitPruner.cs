using NativeDsp.Engine;

namespace NativeDsp.Model.Pruning;

/// <summary>
/// What the learned methods (DSP, STE, Voita) share: one logit per head of the global index held as a
/// parameter named "logits" (so trainer checkpoints save it with the pruner as an extra module), a
/// constant-rate parameter group, and per-module application of a mask op under a per-module budget.
/// </summary>
public abstract class LogitPruner : Module, IHeadPruner
{
    /// <summary>Registers the zero-filled logits [heads] and their constant-rate group (no weight decay).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not finite and positive, or K is out of range.</exception>
    /// <exception cref="ArgumentException">The budget does not fit the index.</exception>
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

    /// <summary>The method's name ("dsp", "ste", "voita").</summary>
    public abstract string Method { get; }
    /// <summary>The head index the logits are laid out over.</summary>
    public HeadIndex Index { get; }
    /// <summary>The heads to keep (null only for Voita without K).</summary>
    public HeadBudget? Budget { get; }
    /// <summary>The device holding the logits.</summary>
    public Device Device { get; }

    /// <summary>w (DSP, STE) or log alpha (Voita), one per head.</summary>
    public Parameter Logits { get; }

    /// <summary>The logits as a constant-rate group named "head_logits".</summary>
    public ParameterGroup ParameterGroup { get; }
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
