using NativeDsp.Engine;
using NativeDsp.Model.Training;
using NativeDsp.Model.Pruning;

namespace NativeDsp.Experiments.Pruning;

/// <summary>Joint: mask and model learn together. Pipelined: train, freeze the model, learn or score the mask, optionally fine-tune.</summary>
public enum PruningSetting
{
    Joint,
    Pipelined,
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

    /// <summary>Where snapshots.csv and pruned.safetensors go; null = nothing written.</summary>
    public string? OutputDirectory { get; init; }

    public IProgressSink Progress { get; init; } = NullProgressSink.Instance;
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
    public string? SavedModelPath { get; init; }

    public override string ToString() =>
        $"{Method} {Setting}: {KeptCount}/{Heads} heads, all heads {AllHeadsMetric:0.####}, masked {MaskedMetric:0.####}, pruned {PrunedMetric:0.####}" +
        (FinetunedMetric is { } f ? $", fine-tuned {f:0.####}" : "") + $"; params {ParametersMasked} -> {ParametersPruned}; " +
        $"tokens/s {MaskedTokensPerSecond:0} masked, {PrunedTokensPerSecond:0} pruned; train {TrainTime.TotalSeconds:0.0}s";
}
