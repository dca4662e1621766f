namespace NativeDsp.Model.Training;

/// <summary>How a <see cref="Trainer{T}"/> runs. Steps count optimizer updates.</summary>
public sealed record TrainerOptions
{
    /// <summary>The run ends after this many updates (a resumed run counts the ones already made).</summary>
    public long MaxSteps { get; init; }

    public int BatchSize { get; init; } = 32;

    /// <summary>The seed of the per-epoch shuffles (independent of the model's and the pruner's streams).</summary>
    public ulong DataSeed { get; init; }
    public bool Shuffle { get; init; } = true;
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

    /// <summary>
    /// Also write last.safetensors when this much wall-clock time has passed since the last one (zero = off):
    /// "every few minutes of work" whatever the speed of a step. Resume is exact from any step, so the steps
    /// this picks need not be reproducible.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; }

    /// <summary>Where last.safetensors and best.safetensors go; null = no checkpoints.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Continue from CheckpointDirectory/last.safetensors when it exists (the CLI's --resume).</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Pipelined pruning: the model's parameters get no gradient and no update, and the model stays in
    /// evaluation mode (no dropout), while the other groups (e.g. head logits) train.
    /// </summary>
    public bool FreezeModel { get; init; }

    /// <summary>
    /// Divergence rule: training stops with <see cref="TrainingDivergedException"/> when the loss has been above
    /// this multiple of its running minimum (the lowest loss of the run so far) for <see cref="DivergenceSteps"/>
    /// consecutive steps. A run whose learning rate is far too high keeps a finite but useless loss (lr 1e6 on
    /// the quick NLI model: 2.7e7 against a starting 1.1) and would otherwise write a normal-looking row.
    /// 100 x for 20 steps leaves ordinary noise and warm-up spikes alone. 0 = off (a non-finite loss always stops).
    /// </summary>
    public double DivergenceFactor { get; init; } = 100;

    /// <summary>Consecutive steps the loss must stay above <see cref="DivergenceFactor"/> x its running minimum (see there).</summary>
    public int DivergenceSteps { get; init; } = 20;

    public void Validate()
    {
        const string m = "trainer options";
        if (MaxSteps < 1) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, $"{m}: MaxSteps must be at least 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"{m}: BatchSize must be at least 1");
        if (!(ClipNorm >= 0f) || float.IsInfinity(ClipNorm)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, $"{m}: ClipNorm must be finite and >= 0 (0 = off)");
        if (!(LabelSmoothing is >= 0f and < 1f)) throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, $"{m}: LabelSmoothing must be in [0, 1)");
        if (CheckpointInterval < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(CheckpointInterval), $"{m}: CheckpointInterval must be >= 0");
        if (EvalEvery < 0 || CheckpointEvery < 0 || Patience < 0) throw new ArgumentOutOfRangeException(nameof(EvalEvery), $"{m}: EvalEvery, CheckpointEvery and Patience must be >= 0");
        if (!(DivergenceFactor == 0 || DivergenceFactor > 1) || double.IsInfinity(DivergenceFactor) || DivergenceSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), $"{m}: DivergenceFactor must be 0 (off) or > 1 and DivergenceSteps >= 1");
        if (Resume && CheckpointDirectory is null) throw new ArgumentException($"{m}: Resume needs a CheckpointDirectory");
    }
}
