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
/// DIR/models/, so a sweep trains each seed's model once and reuses it across methods and K.
/// </summary>
public static class ExperimentRunner
{
    public const string ModelCacheFolder = "models";

    public static ResultRow Run(RunSpec spec, ExperimentConfig config, RunContext context) => spec.Task switch
    {
        "nli" => Run(new NliExperiment(config, context.DataDirectory), spec, context),
        "mt" => Run(new MtExperiment(config, context.DataDirectory), spec, context),
        _ => throw new ArgumentException($"unknown task '{spec.Task}'; tasks are {string.Join(", ", EnumText.Names<ExperimentTask>())}"),
    };

    static ResultRow Run<T>(TaskExperiment<T> experiment, RunSpec spec, RunContext context)
    {
        if (!RunSpec.IsValid(spec.Method, spec.Setting))
            throw new ArgumentException($"{spec.MethodName} has no {spec.SettingName} setting (Michel et al. score a trained model: use pipelined)");
        var config = experiment.Config;
        using var model = experiment.BuildModel(context.Device, spec.Seed);
        var task = experiment.Task(model);
        var index = task.Prunable.HeadIndex;
        int total = index.Count;
        if (spec.HeadsKept < 1 || spec.HeadsKept > total)
            throw new ArgumentException($"--heads {spec.HeadsKept}: K must be in [1, {total}] (the model has {total} heads)");
        var modules = index.Groups.Select(g => (g.Name, g.Offset, g.Count)).ToList();
        var options = RunOptions(spec, config, context);

        double pretrainSeconds = 0;
        if (spec.Setting == PruningSetting.Pipelined || spec.Method == PruningMethod.None)
            pretrainSeconds = LoadOrTrain(experiment, model, task, spec, options, context);

        if (spec.Method == PruningMethod.None)
        {
            var (metric, speed) = PruningRun.Evaluate(task, null);
            return Row(spec, experiment, context, total, total, metric, model.ParameterCount, model.ParameterCount, pretrainSeconds,
                       speed, speed, Enumerable.Range(0, total).ToArray(), modules);
        }

        var budget = spec.PerLayer ? HeadBudget.SplitPerModule(index, spec.HeadsKept) : HeadBudget.Global(spec.HeadsKept);
        using var pruner = NewPruner(experiment, model, spec, budget, config, context.Device);
        var result = PruningRun.Run(task, pruner, options);
        context.Log.WriteLine($"  {result}");
        return Row(spec, experiment, context, total, result.KeptCount, result.FinetunedMetric ?? result.PrunedMetric, result.ParametersMasked,
                   result.ParametersPruned, pretrainSeconds + result.TrainTime.TotalSeconds, result.MaskedTokensPerSecond,
                   result.PrunedTokensPerSecond, result.Kept, modules);
    }

    static IHeadPruner NewPruner<T>(TaskExperiment<T> experiment, Module model, RunSpec spec, HeadBudget budget, ExperimentConfig config, Device device)
    {
        var index = ((IHeadPrunable)model).HeadIndex;
        ulong seed = (ulong)spec.Seed;
        long maskSteps = spec.Setting == PruningSetting.Joint ? config.Steps : config.MaskSteps;
        return spec.Method switch
        {
            PruningMethod.Dsp => new DspPruner(device, index, budget, new DspOptions
            {
                Temperature = new TemperatureSchedule(config.Tau0, config.TauEnd, config.TCool > 0 ? config.TCool : Math.Max(1, maskSteps)),
                LearningRate = config.MaskLr,
                Seed = seed,
            }),
            PruningMethod.Ste => new StePruner(device, index, budget, config.MaskLr, seed),
            PruningMethod.Voita => new HardConcretePruner(device, index, budget, new HardConcreteOptions { Lambda = config.VoitaLambda, LearningRate = config.VoitaLr, Seed = seed }),
            PruningMethod.Michel => new MichelPruner(device, index, budget, (b, gate) => experiment.Loss(model, experiment.ImportanceBatch(b, spec.Seed), gate),
                                         Math.Max(1, config.MichelBatches), MichelPruner.StepFor(index, config.MichelStep)),
            _ => throw new ArgumentException($"method {spec.MethodName} prunes nothing"),
        };
    }

    static PruningRunOptions RunOptions(RunSpec spec, ExperimentConfig config, RunContext context)
    {
        long scheduleSteps = Math.Max(1, Math.Max(config.Steps, config.FinetuneSteps));
        return new PruningRunOptions
        {
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
            OutputDirectory = context.SaveArtifacts ? Path.Combine(context.OutputDirectory, "runs", spec.Key.Replace('|', '_')) : null,
        };
    }

    /// <summary>Loads this seed's trained model from the process or DIR/models/, or trains and caches it; returns its training seconds.</summary>
    static double LoadOrTrain<T>(TaskExperiment<T> experiment, Module model, PruningTask<T> task, RunSpec spec, PruningRunOptions options, RunContext context)
    {
        string key = $"{experiment.Name}|{spec.Preset}|{spec.Seed}|{experiment.Config.ModelKey()}";
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..10];
        string path = Path.Combine(context.OutputDirectory, ModelCacheFolder, $"{experiment.Name}-{spec.Preset}-seed{spec.Seed}-{hash}.safetensors");
        lock (context.TrainedModels)
        {
            if (context.TrainedModels.TryGetValue(key, out var cached))
            {
                model.LoadStateDict(cached.State);
                return cached.Seconds;
            }
        }
        double seconds;
        if (File.Exists(path))
        {
            var file = SafetensorsFile.Read(path);
            model.LoadStateDict(file.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToHostTensor()));
            seconds = double.Parse(file.Metadata["train_seconds"], CultureInfo.InvariantCulture);
            context.Log.WriteLine($"  reusing the trained model {path}");
        }
        else
        {
            context.Log.WriteLine($"  training the {experiment.Name} model of seed {spec.Seed} ({experiment.Config.Steps} steps); cached at {path}");
            var clock = Stopwatch.StartNew();
            if (experiment.Config.Steps > 0) PruningRun.TrainModel(task, experiment.Config.Steps, options with { Setting = PruningSetting.Pipelined });
            seconds = clock.Elapsed.TotalSeconds;
            SafetensorsWriter.Write(path, model.StateDict(), new Dictionary<string, string>
            {
                ["train_seconds"] = seconds.ToString("R", CultureInfo.InvariantCulture),
                ["key"] = key,
            });
        }
        lock (context.TrainedModels) context.TrainedModels[key] = (model.StateDict(), seconds);
        return seconds;
    }

    static ResultRow Row<T>(RunSpec spec, TaskExperiment<T> experiment, RunContext context, int total, int kept, double value, long parameters,
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
