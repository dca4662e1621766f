using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Experiments.Results;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Training;
using NativeDsp.Experiments.Pruning;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// Runs one <see cref="RunSpec"/> and returns its result row. Pipelined runs (and "none", the unpruned
/// model) start from a model trained once per (task, preset, seed, model settings) and cached in
/// DIR/models/ (<see cref="ModelCache"/>), so a sweep trains each seed's model once and reuses it across
/// methods and K. With <see cref="RunContext.SaveArtifacts"/> (single runs) every training phase checkpoints
/// into DIR/runs/RUN/checkpoints and a rerun of the same command continues from there; the row is handed to
/// <see cref="RunContext.RecordRow"/> before the pruned model is written, and the checkpoints are removed after.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>The model cache's folder under the results folder (<see cref="ModelCache.Folder"/>).</summary>
    public const string ModelCacheFolder = ModelCache.Folder;

    /// <summary>A run's checkpoint folder under its run folder.</summary>
    public const string CheckpointFolder = "checkpoints";

    /// <summary>Runs <paramref name="spec"/> under <paramref name="config"/> and returns its row (already recorded when <see cref="RunContext.RecordRow"/> is set).</summary>
    /// <exception cref="TrainingDivergedException">Training diverged; the message names the learning-rate settings to lower.</exception>
    /// <exception cref="ExpectedFailureException">Bad data, a damaged file, or another failure the user can act on.</exception>
    public static ResultRow Run(RunSpec spec, ExperimentConfig config, RunContext context) => spec.Task switch
    {
        "nli" => Run(new NliExperiment(config, context.DataDirectory), spec, context),
        "mt" => Run(new MtExperiment(config, context.DataDirectory, context.MtCorpus), spec, context),
        _ => throw new ArgumentException($"unknown task '{spec.Task}'; tasks are {string.Join(", ", EnumText.Names<ExperimentTask>())}"),
    };

    static ResultRow Run<T>(TaskExperiment<T> experiment, RunSpec spec, RunContext context)
    {
        try
        {
            return RunUnchecked(experiment, spec, context);
        }
        catch (TrainingDivergedException e)
        {
            // A rerun must change a setting, and checkpoints of other settings are not resumed: they are of no use.
            if (context.SaveArtifacts) RemoveRunFolder(Path.Combine(context.OutputDirectory, "runs", spec.Key.Replace('|', '_')));
            // The trainer knows no command-line names; say here which settings set the learning rates.
            var c = experiment.Config;
            string rates = string.Create(CultureInfo.InvariantCulture, $"--lr is {c.Lr}") +
                           (spec.Method is PruningMethod.Dsp or PruningMethod.Ste ? string.Create(CultureInfo.InvariantCulture, $", --mask_lr {c.MaskLr}") : "") +
                           (spec.Method == PruningMethod.Voita ? string.Create(CultureInfo.InvariantCulture, $", --voita_lr {c.VoitaLr}") : "");
            throw new TrainingDivergedException(e, $"{e.Message} ({rates}); no result row was written");
        }
    }

    /// <summary>
    /// Why <paramref name="spec"/> cannot run with <paramref name="config"/>, or null when it can: a joint run learns
    /// the mask while it trains the model, so with no training step there is nothing to learn it in. The single-run
    /// command reports it as a usage error before any work; a sweep meets it here.
    /// </summary>
    public static string? CannotRun(RunSpec spec, ExperimentConfig config) =>
        spec.Setting == PruningSetting.Joint && spec.Method != PruningMethod.None && config.Steps < 1
            ? $"--steps {config.Steps}: a joint {spec.MethodName} run learns the mask while it trains the model; give --steps >= 1 or --setting pipelined"
            : null;

    static ResultRow RunUnchecked<T>(TaskExperiment<T> experiment, RunSpec spec, RunContext context)
    {
        if (!RunSpec.IsValid(spec.Method, spec.Setting))
            throw new ArgumentException($"{spec.MethodName} has no {spec.SettingName} setting (it runs {string.Join(" or ", PrunerFactory.Settings(spec.Method).Select(RunSpec.SettingText))})");
        var config = experiment.Config;
        using var model = experiment.BuildModel(context.Device, spec.Seed);
        var task = experiment.Task(model);
        if (spec.IsUnitRun) return UnitExperimentRunner.Run(experiment, model, task, spec, context);
        var index = task.Prunable.HeadIndex;
        int total = index.Count;
        // The unpruned baseline keeps what the model has: a checkpoint exported with pruned heads has fewer than its
        // config's layers x heads, which is what the command line counted.
        if (spec.Method == PruningMethod.None) spec = spec with { HeadsKept = total };
        if (spec.HeadsKept < 1 || spec.HeadsKept > total)
            throw new ExpectedFailureException($"--heads {spec.HeadsKept}: K must be in [1, {total}] (the model has {total} heads)");
        if (CannotRun(spec, config) is { } problem) throw new ExpectedFailureException(problem);
        var modules = index.Groups.Select(g => (g.Name, g.Offset, g.Count)).ToList();
        // The protocol's mask steps (mask_epochs passes over the training data unless mask_steps is set).
        var options = RunOptions(spec, config, context) with { MaskSteps = config.MaskStepsFor(experiment.Train.Count) };

        double pretrainSeconds = 0;
        if (spec.Setting == PruningSetting.Pipelined || spec.Method == PruningMethod.None)
            pretrainSeconds = LoadOrTrain(experiment, model, task, spec, options, context);

        if (spec.Method == PruningMethod.None)
        {
            var (metric, speed) = PruningRun.Evaluate(task, null);
            var noneRow = Row(spec, experiment, context, total, total, metric, model.ParameterCount, model.ParameterCount, pretrainSeconds,
                              speed, speed, Enumerable.Range(0, total).ToArray(), modules);
            Finish(noneRow, options, context);
            return noneRow;
        }

        var budget = spec.PerLayer ? HeadBudget.SplitPerModule(index, spec.HeadsKept) : HeadBudget.Global(spec.HeadsKept);
        var searchClock = Stopwatch.StartNew();
        var built = PrunerFactory.Create(experiment, model, task, spec, budget, options, context.Device, context.Log);
        double searchSeconds = searchClock.Elapsed.TotalSeconds;
        using var pruner = built.Pruner;
        var result = PruningRun.Run(task, pruner, options);
        context.Log.WriteLine($"  {result}");
        // train_seconds includes Voita's lambda search: it is part of what the method costs.
        var row = Row(spec, experiment, context, total, result.KeptCount, result.FinetunedMetric ?? result.PrunedMetric, result.ParametersMasked,
                      result.ParametersPruned, pretrainSeconds + searchSeconds + result.TrainTime.TotalSeconds, result.MaskedTokensPerSecond,
                      result.PrunedTokensPerSecond, result.Kept, modules);
        built.Describe(row);
        Finish(row, options, context, () => PruningRun.SavePrunedModel(model, result, options.OutputDirectory!, Export.SavedModel.RunMetadata(spec.Task, spec.Preset)));
        return row;
    }

    /// <summary>The run's checkpoints, and its folder when nothing else is in it (a failed run leaves no files behind).</summary>
    static void RemoveRunFolder(string runDirectory)
    {
        string checkpoints = Path.Combine(runDirectory, CheckpointFolder);
        if (Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
        if (Directory.Exists(runDirectory) && !Directory.EnumerateFileSystemEntries(runDirectory).Any()) Directory.Delete(runDirectory);
        string runs = Path.GetDirectoryName(runDirectory)!;
        if (Directory.Exists(runs) && !Directory.EnumerateFileSystemEntries(runs).Any()) Directory.Delete(runs);
    }

    /// <summary>
    /// Records the row first, then writes the large artefact (a full disk must not lose a computed result), then
    /// removes the run's checkpoints, which only a rerun of an unfinished run needs.
    /// </summary>
    internal static void Finish(ResultRow row, PruningRunOptions options, RunContext context, Action? saveArtifacts = null)
    {
        context.RecordRow?.Invoke(row);
        if (options.OutputDirectory is not null) saveArtifacts?.Invoke();
        if (options.CheckpointDirectory is string checkpoints && Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
    }

    internal static PruningRunOptions RunOptions(RunSpec spec, ExperimentConfig config, RunContext context)
    {
        long scheduleSteps = Math.Max(1, Math.Max(config.Steps, config.FinetuneSteps));
        string? runDirectory = context.SaveArtifacts ? Path.Combine(context.OutputDirectory, "runs", spec.Key.Replace('|', '_')) : null;
        string? checkpoints = runDirectory is null ? null : PrepareCheckpoints(Path.Combine(runDirectory, CheckpointFolder), config, context);
        return new PruningRunOptions
        {
            CheckpointDirectory = checkpoints,
            CheckpointEvery = context.CheckpointEvery,
            CheckpointInterval = context.CheckpointInterval,
            Setting = spec.Setting,
            TrainSteps = spec.Setting == PruningSetting.Joint ? config.Steps : 0,
            MaskSteps = config.MaskSteps,
            FinetuneSteps = config.FinetuneSteps,
            BatchSize = config.Batch,
            ModelLearningRate = config.Lr,
            ClipNorm = config.ClipNorm,
            DataSeed = (ulong)spec.Seed,
            Schedule = new LinearWarmupDecaySchedule(Math.Min(config.Warmup, scheduleSteps), scheduleSteps),
            Progress = context.Progress,
            OutputDirectory = runDirectory,
        };
    }

    /// <summary>
    /// The run's checkpoint folder, holding the settings it was made with (settings.txt). Checkpoints of other
    /// settings (a killed run, then the command changed) are removed with a line saying so: resuming from them
    /// would mix two configurations in one result.
    /// </summary>
    static string PrepareCheckpoints(string directory, ExperimentConfig config, RunContext context)
    {
        string record = Path.Combine(directory, "settings.txt"), settings = config.Describe() + "\n";
        if (Directory.Exists(directory))
        {
            if (File.Exists(record) && File.ReadAllText(record) == settings)
            {
                context.Log.WriteLine($"  continuing from the checkpoints in {directory}");
                return directory;
            }
            context.Log.WriteLine($"  the checkpoints in {directory} were made with other settings: starting the run over");
            Directory.Delete(directory, recursive: true);
        }
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(record, settings);
        return directory;
    }

    /// <summary>
    /// Loads this seed's trained model (weights and dropout stream) from the process or DIR/models/, or trains and
    /// caches it; a damaged or stale cache entry is trained again and rewritten, with a line saying so. Returns its
    /// training seconds.
    /// </summary>
    internal static double LoadOrTrain<T>(TaskExperiment<T> experiment, Module model, PruningTask<T> task, RunSpec spec, PruningRunOptions options, RunContext context)
    {
        string key = $"{experiment.Name}|{spec.Preset}|{spec.Seed}|{experiment.Config.ModelKey()}";
        if (experiment.DataKey.Length > 0) key += "|" + experiment.DataKey;
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..10];
        string path = Path.Combine(context.OutputDirectory, ModelCache.Folder, $"{experiment.Name}-{spec.Preset}-seed{spec.Seed}-{hash}.safetensors");
        ModelCache.Entry? entry;
        lock (context.TrainedModels) context.TrainedModels.TryGetValue(key, out entry);
        if (entry is null && File.Exists(path))
        {
            entry = ModelCache.TryRead(path, key, model, out string? problem);
            context.Log.WriteLine(entry is null ? $"  the cached model {path} is unusable ({problem}): training it again" : $"  reusing the trained model {path}");
        }
        if (entry is null)
        {
            context.Log.WriteLine($"  training the {experiment.Name} model of seed {spec.Seed} ({experiment.Config.Steps} steps); cached at {path}");
            var clock = Stopwatch.StartNew();
            var data = new DataOrderState(0, 0, options.DataSeed, task.Train.Count);
            if (experiment.Config.Steps > 0) data = PruningRun.TrainModel(task, experiment.Config.Steps, options with { Setting = PruningSetting.Pipelined });
            entry = ModelCache.Entry.Capture(model, data, clock.Elapsed.TotalSeconds);
            ModelCache.Write(path, key, entry);
        }
        // Applied in every case (also right after training, a no-op then): a run continues from exactly the cached state.
        entry.ApplyTo(model);
        lock (context.TrainedModels) context.TrainedModels[key] = entry;
        return entry.Seconds;
    }

    internal static ResultRow Row<T>(RunSpec spec, TaskExperiment<T> experiment, RunContext context, int total, int kept, double value, long parameters,
                            long parametersPruned, double seconds, double maskedSpeed, double prunedSpeed, IReadOnlyList<int> keptIds,
                            IReadOnlyList<(string Name, int Offset, int Count)> modules) => new()
    {
        Task = spec.Task,
        Setting = spec.SettingName,
        Method = spec.MethodName,
        HeadsTotal = total,
        HeadsKept = kept,
        PerLayer = spec.PerLayer,
        Seed = spec.Seed,
        Metric = experiment.MetricName,
        Value = value,
        Params = parameters,
        ParamsPruned = parametersPruned,
        TrainSeconds = Math.Round(seconds, 2),
        InferTokensPerSecondMasked = Math.Round(maskedSpeed, 1),
        InferTokensPerSecondPruned = Math.Round(prunedSpeed, 1),
        KeptPerModule = string.Join(";", modules.Select(m => $"{m.Name}={keptIds.Count(id => id >= m.Offset && id < m.Offset + m.Count)}")),
        Device = context.DeviceName,
        Preset = spec.Preset,
    };
}
