using NativeDsp.Engine;
using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Model.Pruning;

/// <summary>Settings of <see cref="HardConcretePruner"/>.</summary>
public sealed record HardConcreteOptions
{
    /// <summary>lambda of the expected-L0 penalty; it sets the number of heads left only indirectly (see <see cref="LambdaSearch"/>).</summary>
    public double Lambda { get; init; } = 0.01;

    /// <summary>The Hard Concrete gate's constants (default Voita et al.'s: beta 0.33, stretch (-0.1, 1.1)).</summary>
    public HardConcreteGate Gate { get; init; } = HardConcreteGate.Default;

    /// <summary>Constant learning rate of log alpha.</summary>
    public float LearningRate { get; init; } = 0.1f;

    /// <summary>
    /// log alpha at the start, the same for every head. Louizos et al. start at log(1 - p) - log(p) for a
    /// drop rate p; 0 (p = 0.5) is theirs and the default here, a larger value starts with the gates open.
    /// </summary>
    public float InitialLogAlpha { get; init; }

    /// <summary>Seed of the logistic noise.</summary>
    public ulong Seed { get; init; }
}

/// <summary>
/// Voita et al. (2019): a Hard Concrete gate per head (beta 0.33, stretch (-0.1, 1.1)) sampled every
/// training step, and the penalty lambda * sum_h sigmoid(log_a_h - beta log(0.1 / 1.1)) (the expected number
/// of open gates). At test time the deterministic gate decides: with a budget the top-K heads by log alpha
/// (the gate is monotone in it) are kept, else the heads whose gate is above 0.5. The test-time mask is
/// 0/1 so that it equals physical removal.
/// </summary>
public sealed class HardConcretePruner : LogitPruner
{
    readonly ulong noiseSeed;

    /// <summary>Voita et al.'s gates over <paramref name="index"/>; with a budget the final top-K by log alpha, without one the gates above 0.5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">lambda is negative or not finite, or the learning rate is invalid.</exception>
    /// <exception cref="ArgumentException">The budget does not fit the index.</exception>
    public HardConcretePruner(Device device, HeadIndex index, HeadBudget? budget, HardConcreteOptions? options = null)
        : base(index, budget, (options ?? new()).LearningRate, device)
    {
        Options = options ?? new HardConcreteOptions();
        if (!(Options.Lambda >= 0) || double.IsInfinity(Options.Lambda))
            throw new ArgumentOutOfRangeException(nameof(options), Options.Lambda, "Voita pruner: lambda must be finite and >= 0");
        noiseSeed = new Rng(Options.Seed).Fork(2).Seed;
        Init.Constant(Logits, Options.InitialLogAlpha);
    }

    /// <summary>The settings.</summary>
    public HardConcreteOptions Options { get; }
    /// <summary>"voita".</summary>
    public override string Method => "voita";

    /// <summary>Training: a Hard Concrete sample per head (Louizos et al. 2018) with step <paramref name="step"/>'s logistic noise, in [0, 1]; otherwise the hard 0/1 mask of <see cref="FinalKeep"/>. Tape-owned, [heads].</summary>
    public override Tensor Mask(long step, bool training)
    {
        if (!training) return HardMask();
        var noise = Noise.HardConcreteLogistic(Device, Index.Count, noiseSeed, checked((ulong)step * (ulong)Index.Count));
        return Ops.HardConcreteSample(Logits, noise, Options.Gate);
    }

    /// <summary>lambda times the expected number of open gates (a scalar on the tape), or null when lambda is 0.</summary>
    public override Tensor? Penalty() =>
        Options.Lambda == 0 ? null : Ops.Scale(Ops.HardConcretePenalty(Logits, Options.Gate), (float)Options.Lambda);

    /// <summary>The deterministic gates clamp(1.2 sigmoid(log_a) - 0.1, 0, 1).</summary>
    public float[] EvalGates() => Peek(() => Ops.HardConcreteEvalGate(Logits, Options.Gate));

    /// <summary>The heads whose deterministic gate is above 0.5: the K the penalty reached.</summary>
    public int ReachedK => EvalGates().Count(g => g > 0.5f);

    /// <summary>With a budget, the top-K heads by log alpha; without one, the heads whose deterministic gate is above 0.5.</summary>
    public override bool[] FinalKeep() =>
        Budget is null ? EvalGates().Select(g => g > 0.5f).ToArray() : HeadSelection.TopK(Scores(), Budget, Index);

    /// <summary>The deterministic gates (<see cref="EvalGates"/>).</summary>
    public override float[] SnapshotMask(long step) => EvalGates();
}
