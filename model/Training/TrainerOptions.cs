namespace NativeDsp.Model.Training;

/// <summary>How a <see cref="Trainer{T}"/> runs. Steps count optimizer updates.</summary>
public sealed record TrainerOptions
{
    /// <summary>The run ends after this many updates (a resumed run counts the ones already made).</summary>
    public long MaxSteps { get; init; }

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The seed of the per-epoch shuffles (independent of the model's and the pruner's streams).</summary>
    public ulong DataSeed { get; init; }
    /// <summary>Visit a fresh permutation each epoch (false: in order).</summary>
    public bool Shuffle { get; init; } = true;
    /// <summary>Skip a short last batch of an epoch.</summary>
    public bool DropLast { get; init; }

    /// <summary>Global gradient-norm clipping threshold; 0 = no clipping.</summary>
    public float ClipNorm { get; init; }

    /// <summary>Handed to the loss function (<see cref="StepContext.LabelSmoothing"/>).</summary>
    public float LabelSmoothing { get; init; }

    /// <summary>Evaluate every N steps (0 = never); needs a <see cref="Trainer{T}.Metric"/>.</summary>
    public long EvalEvery { get; init; }

    /// <summary>Stop after this many evaluations without improvement (0 = never).</summary>
    public int Patience { get; init; }

    /// <summary>An improvement must exceed this to reset the patience.</summary>
    public double MinDelta { get; init; }

    /// <summary>Write last.safetensors every N steps (0 = only at the end of a run).</summary>
    public long CheckpointEvery { get; init; }

    /// <summary>Where last.safetensors and best.safetensors go; null = no checkpoints.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Continue from CheckpointDirectory/last.safetensors when it exists (the CLI's --resume).</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Pipelined pruning: the model's parameters get no gradient and no update, and the model stays in
    /// evaluation mode (no dropout), while the other groups (e.g. head logits) train.
    /// </summary>
    public bool FreezeModel { get; init; }

    /// <summary>Checks the options; the trainer calls it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count below its minimum, ClipNorm negative or infinite, or LabelSmoothing outside [0, 1).</exception>
    /// <exception cref="ArgumentException">Resume without a CheckpointDirectory.</exception>
    public void Validate()
    {
        const string m = "trainer options";
        if (MaxSteps < 1) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, $"{m}: MaxSteps must be at least 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"{m}: BatchSize must be at least 1");
        if (!(ClipNorm >= 0f) || float.IsInfinity(ClipNorm)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, $"{m}: ClipNorm must be finite and >= 0 (0 = off)");
        if (!(LabelSmoothing is >= 0f and < 1f)) throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, $"{m}: LabelSmoothing must be in [0, 1)");
        if (EvalEvery < 0 || CheckpointEvery < 0 || Patience < 0) throw new ArgumentOutOfRangeException(nameof(EvalEvery), $"{m}: EvalEvery, CheckpointEvery and Patience must be >= 0");
        if (Resume && CheckpointDirectory is null) throw new ArgumentException($"{m}: Resume needs a CheckpointDirectory");
    }
}
