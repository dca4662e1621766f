using NativeDsp.Engine;
using NativeDsp.Model.Training;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Experiments.Pruning;

/// <summary>
/// Joint: mask and model learn together. Pipelined: train, freeze the model, learn or score the mask, optionally
/// fine-tune. BeforeFinetuning: a single-shot method prunes the pretrained model, then the pruned model is fine-tuned
/// (SMP; unit runs only). Its text (<see cref="Runs.EnumText"/>) is the setting column of results.csv.
/// </summary>
public enum PruningSetting
{
    Joint,
    Pipelined,
    BeforeFinetuning,
}

/// <summary>
/// What a pruning run needs to know about the experiment (NLI, MT, a synthetic test task): the model, its
/// training data, the loss of a batch under a head gate, and the evaluation under a gate.
/// </summary>
public sealed class PruningTask<T>
{
    /// <summary>The model; it must implement <see cref="IHeadPrunable"/>.</summary>
    public required Module Model { get; init; }

    public required IReadOnlyList<T> Train { get; init; }

    /// <summary>The loss of a batch with head gate [heads] (null = every head on); runs inside a tape scope.</summary>
    public required Func<IReadOnlyList<T>, Tensor?, BatchLoss> Loss { get; init; }

    /// <summary>
    /// The metric on held-out data under a gate (null = every head on) and the tokens processed; it runs in
    /// evaluation mode under NoGrad and should scope each batch.
    /// </summary>
    public required Func<Tensor?, (double Metric, long Tokens)> Evaluate { get; init; }

    public string MetricName { get; init; } = "accuracy";

    /// <summary>
    /// The loss of a batch under unit gates (heads, FFN neurons, blocks; <see cref="UnitGates"/>); runs inside a tape
    /// scope. Null for a task whose model prunes heads only (then unit runs over other kinds are refused).
    /// </summary>
    public Func<IReadOnlyList<T>, UnitGates, BatchLoss>? UnitLoss { get; init; }

    /// <summary>The metric on held-out data under unit gates and the tokens processed (as <see cref="Evaluate"/>); null as <see cref="UnitLoss"/>.</summary>
    public Func<UnitGates, (double Metric, long Tokens)>? UnitEvaluate { get; init; }

    /// <summary>The encoder's final hidden states [B, T, d] of a batch under unit gates and its key mask (SMP's representation); null where the task has none.</summary>
    public Func<IReadOnlyList<T>, UnitGates, (Tensor Hidden, Tensor? KeyMask)>? Hidden { get; init; }

    /// <summary>
    /// One forward pass of a fixed batch of <c>size</c> held-out examples in evaluation mode under NoGrad, scoped
    /// (what <see cref="InferenceTiming"/> times); null where the task cannot be timed.
    /// </summary>
    public Func<int, Action>? BenchmarkForward { get; init; }

    /// <summary>The loss under unit gates: <see cref="UnitLoss"/>, or <see cref="Loss"/> when only heads are gated.</summary>
    /// <exception cref="ArgumentException">Other kinds are gated and the task has no <see cref="UnitLoss"/>.</exception>
    public BatchLoss LossUnder(IReadOnlyList<T> batch, UnitGates gates) => UnitLoss is { } f ? f(batch, gates)
        : OnlyHeads(gates) ? Loss(batch, gates.Heads) : throw new ArgumentException("pruning task: this task's model prunes heads only");

    /// <summary>The evaluation under unit gates: <see cref="UnitEvaluate"/>, or <see cref="Evaluate"/> when only heads are gated.</summary>
    /// <exception cref="ArgumentException">Other kinds are gated and the task has no <see cref="UnitEvaluate"/>.</exception>
    public (double Metric, long Tokens) EvaluateUnder(UnitGates gates) => UnitEvaluate is { } f ? f(gates)
        : OnlyHeads(gates) ? Evaluate(gates.Heads) : throw new ArgumentException("pruning task: this task's model prunes heads only");

    static bool OnlyHeads(UnitGates g) => g.Neurons is null && g.AttentionBlocks is null && g.FfnBlocks is null;

    /// <summary>The model's unit view; the model must implement <see cref="IUnitPrunable"/>.</summary>
    /// <exception cref="ArgumentException">It does not (e.g. the translation model, heads only).</exception>
    public IUnitPrunable UnitPrunable => Model as IUnitPrunable ?? throw new ArgumentException($"pruning task: the model {Model.GetType().Name} prunes heads only (it is not unit-prunable)");

    public IHeadPrunable Prunable => Model as IHeadPrunable ?? throw new ArgumentException($"pruning task: the model {Model.GetType().Name} does not implement IHeadPrunable");
}

/// <summary>How <see cref="PruningRun"/> trains, prunes and reports.</summary>
public sealed record PruningRunOptions
{
    public PruningSetting Setting { get; init; } = PruningSetting.Joint;

    /// <summary>Joint: steps of model + mask training. Pipelined: steps of model-only training first (0 = the model is already trained).</summary>
    public long TrainSteps { get; init; }

    /// <summary>Pipelined: steps learning the mask with the model frozen (DSP, STE, Voita).</summary>
    public long MaskSteps { get; init; }

    /// <summary>Steps of fine-tuning the physically pruned model (0 = none).</summary>
    public long FinetuneSteps { get; init; }

    public int BatchSize { get; init; } = 32;
    public float ModelLearningRate { get; init; } = 1e-3f;
    public float WeightDecay { get; init; }
    public float ClipNorm { get; init; }
    public ulong DataSeed { get; init; }

    /// <summary>The model's schedule (the head logits keep their constant rate); null = constant.</summary>
    public ILearningRateSchedule? Schedule { get; init; }

    /// <summary>Mask snapshots every N mask-learning steps (0 = none).</summary>
    public long SnapshotEvery { get; init; }

    /// <summary>
    /// Where each training phase keeps its resumable checkpoint (a subfolder per phase: train, mask, finetune;
    /// null = none). With it, a run that was killed and is started again continues every phase from its
    /// last checkpoint and ends as an uninterrupted run would, bit for bit (same backend).
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>With <see cref="CheckpointDirectory"/>: a checkpoint every N steps (0 = by time only).</summary>
    public long CheckpointEvery { get; init; }

    /// <summary>With <see cref="CheckpointDirectory"/>: a checkpoint when this much time has passed since the last (zero = off).</summary>
    public TimeSpan CheckpointInterval { get; init; }

    /// <summary>Where snapshots.csv goes; null = nothing written. The pruned model is written by <see cref="PruningRun.SavePrunedModel"/>.</summary>
    public string? OutputDirectory { get; init; }

    public IProgressSink Progress { get; init; } = NullProgressSink.Instance;

    /// <summary>Unit runs: time the forward pass of the full and the pruned model (<see cref="InferenceTiming"/>); off by default.</summary>
    public bool TimeInference { get; init; }

    /// <summary>Examples in the fixed timing batch.</summary>
    public int TimingBatch { get; init; } = InferenceTiming.DefaultBatch;

    /// <summary>Untimed passes before timing.</summary>
    public int TimingWarmUp { get; init; } = InferenceTiming.DefaultWarmUp;

    /// <summary>Timed passes (the median is reported).</summary>
    public int TimingRepetitions { get; init; } = InferenceTiming.DefaultRepetitions;
}

/// <summary>
/// The outcome of a pruning run: quality of the model with every head (after training), with the final
/// 0/1 mask, physically pruned, and fine-tuned; sizes and inference speed of the masked and pruned model.
/// </summary>
public sealed record PruningResult
{
    public required string Method { get; init; }
    public required PruningSetting Setting { get; init; }
    public required int Heads { get; init; }
    /// <summary>The original ids of the kept heads.</summary>
    public required int[] Kept { get; init; }
    public int KeptCount => Kept.Length;
    public double? Lambda { get; init; }
    public required double AllHeadsMetric { get; init; }
    public required double MaskedMetric { get; init; }
    public required double PrunedMetric { get; init; }
    public double? FinetunedMetric { get; init; }
    public required long ParametersMasked { get; init; }
    public required long ParametersPruned { get; init; }
    public required double MaskedTokensPerSecond { get; init; }
    public required double PrunedTokensPerSecond { get; init; }
    public required TimeSpan TrainTime { get; init; }
    public IReadOnlyList<MichelStep>? Curve { get; init; }
    public string? SnapshotPath { get; init; }

    public override string ToString() =>
        $"{Method} {Setting}: {KeptCount}/{Heads} heads, all heads {AllHeadsMetric:0.####}, masked {MaskedMetric:0.####}, pruned {PrunedMetric:0.####}" +
        (FinetunedMetric is { } f ? $", fine-tuned {f:0.####}" : "") + $"; params {ParametersMasked} -> {ParametersPruned}; " +
        $"tokens/s {MaskedTokensPerSecond:0} masked, {PrunedTokensPerSecond:0} pruned; train {TrainTime.TotalSeconds:0.0}s";
}
