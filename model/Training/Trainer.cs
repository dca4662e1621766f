using System.Diagnostics;
using System.Globalization;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;

namespace NativeDsp.Model.Training;

/// <summary>
/// The training loop: batches in a seeded order (<see cref="DataOrder"/>), hooks before the forward pass and
/// after the update, a NaN/Inf check on the loss (and on the gradient norm when clipping), global-norm
/// clipping, Adam/AdamW with the schedule's factor (constant-rate groups, e.g. DSP's head logits, ignore it),
/// evaluation every N steps with best-checkpoint keeping and early stopping, and checkpoints that resume
/// exactly: model and extra modules, optimizer moments, the registered random streams, step, schedule,
/// data order and early-stopping state all go into last.safetensors.
/// </summary>
/// <remarks>
/// For an exact resume every random draw of a step must come from a stream registered in <see cref="Rngs"/>
/// (the model's dropout stream, a pruner's Gumbel stream) and the fresh trainer must be built the same way
/// (same model config, same parameter groups in the same order, same schedule, same data).
/// </remarks>
public sealed class Trainer<T>
{
    /// <summary>The file name of the checkpoint written every CheckpointEvery steps and at the end.</summary>
    public const string LastCheckpointName = "last.safetensors";
    /// <summary>The file name of the checkpoint at the best evaluation.</summary>
    public const string BestCheckpointName = "best.safetensors";
    const int ThroughputWindow = 20;

    readonly IReadOnlyList<T> data;
    readonly LossFunction<T> loss;
    readonly Device device;
    readonly List<StepRecord> history = [];
    readonly Queue<(double Seconds, long Tokens)> window = new();
    long sessionTokens, lastSavedStep = -1;
    bool resumeChecked;
    string? lastCheckpointWritten;

    /// <summary>A trainer of <paramref name="model"/> with <paramref name="optimizer"/> (which may also hold other groups, e.g. a pruner's logits) on <paramref name="trainingData"/>.</summary>
    /// <exception cref="ArgumentException">Invalid options, an optimizer without parameters, EvalEvery without a metric, or FreezeModel with nothing left to train.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option or the data size is out of range.</exception>
    public Trainer(Module model, Adam optimizer, ILearningRateSchedule schedule, IReadOnlyList<T> trainingData, LossFunction<T> loss,
                   TrainerOptions options, EvaluationMetric? metric = null)
    {
        options.Validate();
        Model = model;
        Optimizer = optimizer;
        Schedule = schedule;
        Options = options;
        Metric = metric;
        data = trainingData;
        this.loss = loss;
        device = optimizer.AllParameters.FirstOrDefault()?.Device ?? throw new ArgumentException("trainer: the optimizer has no parameters");
        DataOrder = new DataOrder(trainingData.Count, options.BatchSize, options.DataSeed, options.Shuffle, options.DropLast);
        EarlyStopping = new EarlyStopping(options.Patience, metric?.HigherIsBetter ?? true, options.MinDelta);
        if (options.EvalEvery > 0 && metric is null) throw new ArgumentException("trainer: EvalEvery is set but no evaluation metric was given");
        if (options.FreezeModel)
        {
            // The model is frozen only while Run runs (a FreezeScope); here, check that something is left to train.
            var frozen = model.Parameters().ToHashSet(ReferenceEqualityComparer.Instance);
            if (!optimizer.AllParameters.Any(p => p.RequiresGrad && !frozen.Contains(p)))
                throw new ArgumentException("trainer: with FreezeModel, no parameter of the optimizer is left to train (add the pruning parameters' group)");
        }
    }

    /// <summary>The model trained (its state is the checkpoint's "model").</summary>
    public Module Model { get; }
    /// <summary>The optimizer (Adam or AdamW).</summary>
    public Adam Optimizer { get; }
    /// <summary>The learning-rate schedule's factor per step.</summary>
    public ILearningRateSchedule Schedule { get; }
    /// <summary>The run's options.</summary>
    public TrainerOptions Options { get; }
    /// <summary>The evaluation metric, or null when the run never evaluates.</summary>
    public EvaluationMetric? Metric { get; }
    /// <summary>The order of the training examples.</summary>
    public DataOrder DataOrder { get; }
    /// <summary>Best-metric tracking and patience.</summary>
    public EarlyStopping EarlyStopping { get; }

    /// <summary>Random streams saved in checkpoints, by name (e.g. "dropout" = the model's DropoutRng).</summary>
    public Dictionary<string, Rng> Rngs { get; } = [];

    /// <summary>Modules besides the model whose state is checkpointed (e.g. "pruner"); evaluation switches them to eval mode too.</summary>
    public Dictionary<string, Module> ExtraModules { get; } = [];

    /// <summary>Strings saved with every checkpoint (e.g. the pruning method's settings); after a resume, those read back.</summary>
    public Dictionary<string, string> CheckpointExtras { get; private set; } = [];

    /// <summary>Hooks run around every step, in order.</summary>
    public List<ITrainingHook> Hooks { get; } = [];

    /// <summary>Where progress goes (nothing by default).</summary>
    public IProgressSink Progress { get; set; } = NullProgressSink.Instance;

    /// <summary>Shown when the run starts ("NLI classifier, DSP K=36").</summary>
    public string Description { get; set; } = "training";

    /// <summary>Optimizer updates completed (restored by a resume).</summary>
    public long Step { get; private set; }

    /// <summary>The steps run by this trainer object (not those before a resume).</summary>
    public IReadOnlyList<StepRecord> History => history;

    /// <summary>CheckpointDirectory/last.safetensors, or null without checkpoints.</summary>
    public string? LastCheckpointPath => Options.CheckpointDirectory is null ? null : Path.Combine(Options.CheckpointDirectory, LastCheckpointName);
    /// <summary>CheckpointDirectory/best.safetensors, or null without checkpoints.</summary>
    public string? BestCheckpointPath => Options.CheckpointDirectory is null ? null : Path.Combine(Options.CheckpointDirectory, BestCheckpointName);

    /// <summary>
    /// Trains until MaxSteps, early stopping, or <paramref name="untilStep"/> (an interruption: the run can be
    /// resumed from its last checkpoint). With <see cref="TrainerOptions.Resume"/>, first continues from
    /// last.safetensors if there is one. Writes last.safetensors at the end when checkpoints are on.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A loss or gradient norm is not finite (the update is not applied).</exception>
    /// <exception cref="InvalidOperationException">The loss function returned a tensor that is not a scalar.</exception>
    /// <exception cref="InvalidDataException">With Resume, last.safetensors does not fit this run.</exception>
    public TrainingResult Run(long? untilStep = null)
    {
        // FreezeModel: the model's parameters get no gradient and the model stays in evaluation mode for this
        // run only; the scope restores each parameter's and module's previous state when Run returns or throws.
        using var freeze = Options.FreezeModel ? Model.Freeze(evaluationMode: true) : null;
        ResumeIfAsked();
        long end = Math.Min(Options.MaxSteps, untilStep ?? Options.MaxSteps);
        var clock = Stopwatch.StartNew();
        window.Clear();
        window.Enqueue((0, 0));
        sessionTokens = 0;
        Progress.Started(Description, Step, Options.MaxSteps);
        SetTrainingMode();

        bool stopEarly = EarlyStopping.ShouldStop;
        while (!stopEarly && Step < end)
        {
            var record = TrainStep();
            Progress.StepCompleted(Snapshot(record, clock.Elapsed));
            if (Options.EvalEvery > 0 && Step % Options.EvalEvery == 0) stopEarly = EvaluateAndTrack();
            if (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0) SaveLast();
        }
        if (Options.CheckpointDirectory is not null && lastSavedStep != Step) SaveLast();

        var reason = stopEarly ? StopReason.EarlyStopping : Step >= Options.MaxSteps ? StopReason.Completed : StopReason.Paused;
        var result = new TrainingResult(Step, reason, Metric?.Name, EarlyStopping.Best, EarlyStopping.BestStep, clock.Elapsed,
                                        lastCheckpointWritten, EarlyStopping.Best is null ? null : BestCheckpointPath);
        Progress.Finished(result);
        return result;
    }

    /// <summary>One update; throws <see cref="TrainingDivergedException"/> before applying a non-finite one.</summary>
    StepRecord TrainStep()
    {
        long step = Step + 1;
        var indices = DataOrder.NextBatch();
        double factor = Schedule.Factor(step);
        var context = new StepContext(step, DataOrder.Epoch, indices, factor, Options.LabelSmoothing);
        foreach (var hook in Hooks) hook.BeforeForward(context);

        var batch = new T[indices.Length];
        for (int i = 0; i < indices.Length; i++) batch[i] = data[indices[i]];
        float lossValue, norm = float.NaN;
        long tokens;
        using (device.Scope())
        {
            var batchLoss = loss(batch, context);
            if (batchLoss.Loss.Count != 1) throw new InvalidOperationException($"trainer: the loss function returned a tensor of shape {batchLoss.Loss.Shape}, not a scalar");
            lossValue = batchLoss.Loss.Item();
            if (!float.IsFinite(lossValue)) throw new TrainingDivergedException(step, "loss", lossValue, lastCheckpointWritten);
            Optimizer.ZeroGrad();
            batchLoss.Loss.Backward();
            if (Options.ClipNorm > 0f)
            {
                norm = Optimizer.ClipGradNorm(Options.ClipNorm);
                if (!float.IsFinite(norm)) throw new TrainingDivergedException(step, "gradient norm", norm, lastCheckpointWritten);
            }
            Optimizer.Step((float)factor);
            tokens = batchLoss.Tokens;
        }
        Step = step;

        var record = new StepRecord(step, context.Epoch, lossValue, norm, LearningRate(factor), tokens);
        history.Add(record);
        foreach (var hook in Hooks) hook.AfterStep(context, record);
        return record;
    }

    double LearningRate(double factor)
    {
        var group = Optimizer.Groups.FirstOrDefault(g => !g.ConstantLearningRate) ?? Optimizer.Groups[0];
        return group.EffectiveLearningRate((float)factor);
    }

    ProgressSnapshot Snapshot(StepRecord record, TimeSpan elapsed)
    {
        sessionTokens += record.Tokens;
        double now = elapsed.TotalSeconds;
        window.Enqueue((now, sessionTokens));
        while (window.Count > ThroughputWindow + 1) window.Dequeue();
        var (then, tokensThen) = window.Peek();
        double span = now - then;
        int steps = window.Count - 1;
        double tokensPerSecond = span > 0 ? (sessionTokens - tokensThen) / span : 0;
        double stepsPerSecond = span > 0 ? steps / span : 0;
        TimeSpan? eta = stepsPerSecond > 0 ? TimeSpan.FromSeconds((Options.MaxSteps - record.Step) / stepsPerSecond) : null;
        return new ProgressSnapshot(record.Step, Options.MaxSteps, record.Epoch, record.Loss, record.LearningRate, tokensPerSecond, stepsPerSecond, elapsed, eta);
    }

    /// <summary>Runs the metric with the model (and extra modules) in evaluation mode and gradients off.</summary>
    /// <exception cref="InvalidOperationException">No evaluation metric was given.</exception>
    public double Evaluate()
    {
        if (Metric is null) throw new InvalidOperationException("trainer: no evaluation metric was given");
        double value;
        try
        {
            Model.Eval();
            foreach (var m in ExtraModules.Values) m.Eval();
            using (NoGrad.Scope())
            using (device.Scope())
                value = Metric.Evaluate();
        }
        finally
        {
            SetTrainingMode();
        }
        return value;
    }

    /// <summary>Evaluates, keeps best.safetensors, and says whether early stopping triggers.</summary>
    bool EvaluateAndTrack()
    {
        double value = Evaluate();
        bool improved = EarlyStopping.Report(value, Step);
        if (improved && BestCheckpointPath is string best) SaveCheckpoint(best);
        Progress.Message(string.Create(CultureInfo.InvariantCulture,
            $"step {Step}: {Metric!.Name} {value:0.#####}{(improved ? " (new best)" : $" (best {EarlyStopping.Best:0.#####} at step {EarlyStopping.BestStep}, {EarlyStopping.EvaluationsWithoutImprovement} without improvement)")}"));
        if (!EarlyStopping.ShouldStop) return false;
        Progress.Message($"early stopping at step {Step}: {EarlyStopping.Patience} evaluations without improvement");
        return true;
    }

    void SetTrainingMode()
    {
        Model.Train(!Options.FreezeModel);
        foreach (var m in ExtraModules.Values) m.Train();
    }

    // ---------------------------------------------------------------- checkpoints

    void SaveLast()
    {
        if (LastCheckpointPath is not string path) return;
        SaveCheckpoint(path);
        lastSavedStep = Step;
        lastCheckpointWritten = path;
    }

    /// <summary>Everything needed to resume, copied to the host.</summary>
    public TrainingCheckpoint CaptureCheckpoint()
    {
        var modules = new Dictionary<string, Dictionary<string, HostTensor>> { ["model"] = Model.StateDict() };
        foreach (var (name, module) in ExtraModules) modules[name] = module.StateDict();
        return new TrainingCheckpoint
        {
            Step = Step,
            Modules = modules,
            Optimizer = Optimizer.ExportState(),
            Rngs = Rngs.ToDictionary(kv => kv.Key, kv => kv.Value.State),
            Schedule = Schedule.Description,
            Data = DataOrder.State,
            BestMetric = EarlyStopping.Best,
            BestStep = EarlyStopping.BestStep,
            EvaluationsWithoutImprovement = EarlyStopping.EvaluationsWithoutImprovement,
            Extra = new Dictionary<string, string>(CheckpointExtras),
        };
    }

    /// <summary>Writes <see cref="CaptureCheckpoint"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void SaveCheckpoint(string path) => CaptureCheckpoint().Save(path);

    /// <summary>
    /// Restores a checkpoint written by a trainer built the same way. A checkpoint that does not fit (other
    /// modules, RNG streams, shapes, schedule or data size) is an <see cref="InvalidDataException"/> naming it.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint does not fit this run.</exception>
    /// <exception cref="SafetensorsFormatException">The file is not a readable training checkpoint.</exception>
    public void LoadCheckpoint(string path)
    {
        var c = TrainingCheckpoint.Load(path);
        InvalidDataException Misfit(string problem, Exception? inner = null) => new($"checkpoint '{path}' does not fit this run: {problem}", inner);

        if (c.Schedule != Schedule.Description) throw Misfit($"it was trained with the schedule {c.Schedule}, this run uses {Schedule.Description}");
        var expectedModules = ExtraModules.Keys.Append("model").Order(StringComparer.Ordinal).ToList();
        if (!expectedModules.SequenceEqual(c.Modules.Keys.Order(StringComparer.Ordinal)))
            throw Misfit($"it holds the modules [{string.Join(", ", c.Modules.Keys.Order())}], this run has [{string.Join(", ", expectedModules)}]");
        if (!Rngs.Keys.Order(StringComparer.Ordinal).SequenceEqual(c.Rngs.Keys.Order(StringComparer.Ordinal)))
            throw Misfit($"it holds the random streams [{string.Join(", ", c.Rngs.Keys.Order())}], this run registers [{string.Join(", ", Rngs.Keys.Order())}]");
        try
        {
            Model.LoadStateDict(c.Modules["model"]);
            foreach (var (name, module) in ExtraModules) module.LoadStateDict(c.Modules[name]);
            Optimizer.ImportState(c.Optimizer);
            DataOrder.Restore(c.Data);
        }
        catch (Exception e) when (e is KeyNotFoundException or ShapeException or ArgumentException)
        {
            throw Misfit(e.Message, e);
        }
        foreach (var (name, rng) in Rngs) rng.Restore(c.Rngs[name]);
        EarlyStopping.Restore(c.BestMetric, c.BestStep, c.EvaluationsWithoutImprovement);
        CheckpointExtras = new Dictionary<string, string>(c.Extra);
        Step = c.Step;
        if (path == LastCheckpointPath)
        {
            lastSavedStep = Step;
            lastCheckpointWritten = path;
        }
    }

    void ResumeIfAsked()
    {
        if (!Options.Resume || resumeChecked) return;
        resumeChecked = true;
        var path = LastCheckpointPath!;
        if (!File.Exists(path))
        {
            Progress.Message($"--resume: no checkpoint at '{path}', starting from step 0");
            return;
        }
        LoadCheckpoint(path);
        Progress.Message($"resumed from '{path}' at step {Step}");
    }
}
