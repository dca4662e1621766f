using NativeDsp.Engine;

namespace NativeDsp.Model.Pruning;

/// <summary>Settings of <see cref="DspPruner"/> and <see cref="Units.UnitDspPruner"/>. Defaults are the paper's BERT/MNLI ones.</summary>
public sealed record DspOptions
{
    /// <summary>The annealing of the Gumbel-soft-top-K temperature tau (default: the paper's BERT/MNLI schedule).</summary>
    public TemperatureSchedule Temperature { get; init; } = TemperatureSchedule.BertMnli;

    /// <summary>Constant learning rate of w (0.5 for BERT/MNLI, 0.2 for IWSLT).</summary>
    public float LearningRate { get; init; } = 0.5f;

    /// <summary>Seed of w's Xavier init and of the Gumbel noise.</summary>
    public ulong Seed { get; init; }
}

/// <summary>
/// Differentiable Subset Pruning (Li, Cotterell &amp; Sachan 2021): importance logits w (Xavier-uniform on a
/// [1, H]-shaped tensor as the reference's nn.init.xavier_uniform_, i.e. U(-a, a), a = sqrt(6 / (1 + H))),
/// a Gumbel-soft-top-K mask drawn every training step at the annealed temperature, and the deterministic
/// top-K of w at test time (exactly K heads). The gradient reaches w only through the relaxation.
/// The noise of step t is Philox(seed, t H + h): a pure function of the step, so a resumed run redraws it.
/// </summary>
public sealed class DspPruner : LogitPruner
{
    readonly DspRelaxation relaxation;

    /// <summary>DSP over <paramref name="index"/> keeping <paramref name="budget"/>.Total heads; w is Xavier-uniform from the options' seed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="budget"/> is null (DSP needs K).</exception>
    /// <exception cref="ArgumentException">The budget does not fit the index.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate or the temperature schedule is invalid.</exception>
    public DspPruner(Device device, HeadIndex index, HeadBudget budget, DspOptions? options = null)
        : base(index, budget ?? throw new ArgumentNullException(nameof(budget), "DSP needs a head budget K"), (options ?? new()).LearningRate, device)
    {
        relaxation = new DspRelaxation(options ?? new DspOptions(), Logits);
    }

    /// <summary>The settings.</summary>
    public DspOptions Options => relaxation.Options;
    /// <summary>"dsp".</summary>
    public override string Method => "dsp";

    /// <summary>tau at optimizer step <paramref name="step"/>.</summary>
    public double Temperature(long step) => relaxation.Temperature(step);

    /// <summary>Training: the Gumbel-soft-top-K of w with step <paramref name="step"/>'s noise at tau(step), non-negative values (a sum of K softmaxes, so an entry can exceed 1) summing to K per budget; otherwise the hard 0/1 top-K of w. Tape-owned, [heads].</summary>
    public override Tensor Mask(long step, bool training) => training ? Relaxed(step, withNoise: true) : HardMask();

    /// <summary>The soft top-K of w (+ the step's Gumbel noise) at the step's temperature.</summary>
    public Tensor Relaxed(long step, bool withNoise)
    {
        var noise = relaxation.Noise(Device, Index.Count, step, withNoise);
        // A global budget relaxes the whole vector even at K = H (as the reference code would); per module, one
        // segment per module (K_l = 0 gives 0, K_l = all its heads 1).
        return ModuleSegments() is { } segments
            ? relaxation.Relax(Logits, noise, segments, step)
            : Ops.SoftTopK(Logits, noise, Budget!.Total, relaxation.Temperature(step));
    }

    /// <summary>The soft top-K of w without noise at tau(step), read to the host.</summary>
    public override float[] SnapshotMask(long step) => Peek(() => Relaxed(step, withNoise: false));
}
