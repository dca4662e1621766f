using System.Diagnostics;
using System.Globalization;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Model.Training;
using NativeDsp.Model.Pruning;

namespace NativeDsp.Experiments.Pruning;

/// <summary>
/// The library side of a pruning experiment: trains (joint or pipelined), learns or scores the mask,
/// keeps the final heads, removes the others physically, optionally fine-tunes, measures and saves.
/// A CLI verb builds a <see cref="PruningTask{T}"/> and a pruner and calls <see cref="Run{T}"/>.
/// </summary>
public static class PruningRun
{
    public const string SnapshotFile = "snapshots.csv";
    public const string PrunedModelFile = "pruned.safetensors";

    public static PruningResult Run<T>(PruningTask<T> task, IHeadPruner pruner, PruningRunOptions options)
    {
        var model = task.Model;
        var prunable = task.Prunable;
        if (!ReferenceEquals(prunable.HeadIndex, pruner.Index))
            throw new ArgumentException("pruning run: the pruner was built over another head index than the model's current one");
        if (pruner is MichelPruner && options.Setting == PruningSetting.Joint)
            throw new ArgumentException("pruning run: Michel et al.'s importance scoring prunes a trained model; use the pipelined setting");
        int heads = pruner.Index.Count;
        var clock = Stopwatch.StartNew();

        if (options.Setting == PruningSetting.Pipelined && options.TrainSteps > 0) TrainModel(task, options.TrainSteps, options, "train model");
        var snapshots = new MaskSnapshots(pruner);
        LearnMask(task, pruner, options, snapshots);

        IReadOnlyList<MichelStep>? curve = null;
        bool[] keep;
        if (pruner is MichelPruner michel)
        {
            using (model.Freeze(evaluationMode: true)) curve = michel.Run(k => EvaluateKeep(task, k).Metric);
            keep = michel.FinalKeep();
        }
        else keep = pruner.FinalKeep();
        clock.Stop();

        var all = Evaluate(task, null);
        var masked = EvaluateKeep(task, keep);
        long parametersMasked = model.ParameterCount;
        var keptIds = HeadSelection.Ids(keep);
        var originalIds = keptIds.Select(prunable.HeadIndex.OriginalId).ToArray();
        prunable.PruneHeads(keptIds);
        var pruned = Evaluate(task, null);
        double? finetuned = null;
        if (options.FinetuneSteps > 0)
        {
            TrainModel(task, options.FinetuneSteps, options, "fine-tune pruned model");
            finetuned = Evaluate(task, null).Metric;
        }

        string? snapshotPath = null, modelPath = null;
        if (options.OutputDirectory is string dir)
        {
            Directory.CreateDirectory(dir);
            if (snapshots.Count > 0) snapshots.WriteCsv(snapshotPath = Path.Combine(dir, SnapshotFile));
            modelPath = Path.Combine(dir, PrunedModelFile);
            SafetensorsWriter.Write(modelPath, model.StateDict(), new Dictionary<string, string>
            {
                ["method"] = pruner.Method,
                ["setting"] = options.Setting.ToString(),
                ["kept_heads"] = string.Join(",", originalIds),
                ["heads_before"] = heads.ToString(CultureInfo.InvariantCulture),
            });
        }

        return new PruningResult
        {
            Method = pruner.Method,
            Setting = options.Setting,
            Heads = heads,
            Kept = originalIds,
            Lambda = (pruner as HardConcretePruner)?.Options.Lambda,
            AllHeadsMetric = all.Metric,
            MaskedMetric = masked.Metric,
            PrunedMetric = pruned.Metric,
            FinetunedMetric = finetuned,
            ParametersMasked = parametersMasked,
            ParametersPruned = model.ParameterCount,
            MaskedTokensPerSecond = masked.TokensPerSecond,
            PrunedTokensPerSecond = pruned.TokensPerSecond,
            TrainTime = clock.Elapsed,
            Curve = curve,
            SnapshotPath = snapshotPath,
            SavedModelPath = modelPath,
        };
    }

    /// <summary>Trains the model alone (every head on) for <paramref name="steps"/> steps.</summary>
    public static void TrainModel<T>(PruningTask<T> task, long steps, PruningRunOptions options, string description = "train model")
    {
        using var optimizer = new AdamW([ModelGroup(task.Model, options)]);
        var trainer = NewTrainer(task, optimizer, steps, options, freeze: false, (batch, _) => task.Loss(batch, null));
        trainer.Description = description;
        trainer.Run();
    }

    /// <summary>
    /// Learns the pruner's logits: jointly with the model (TrainSteps), or with the model frozen (MaskSteps;
    /// its parameters get no gradient, no optimizer state, and stay bit-identical). Nothing for Michel.
    /// </summary>
    public static void LearnMask<T>(PruningTask<T> task, IHeadPruner pruner, PruningRunOptions options, MaskSnapshots? snapshots = null)
    {
        if (pruner.ParameterGroup is not { } logits) return;
        bool joint = options.Setting == PruningSetting.Joint;
        long steps = joint ? options.TrainSteps : options.MaskSteps;
        if (steps < 1) throw new ArgumentException($"pruning run: {(joint ? "TrainSteps" : "MaskSteps")} must be >= 1 to learn the {pruner.Method} mask");
        var groups = joint ? new[] { ModelGroup(task.Model, options), logits } : [logits];
        using var optimizer = new AdamW(groups);
        var trainer = NewTrainer(task, optimizer, steps, options, freeze: !joint, (batch, context) =>
        {
            var loss = task.Loss(batch, pruner.Mask(context.Step, training: true));
            return pruner.Penalty() is { } penalty ? loss with { Loss = Ops.Add(loss.Loss, penalty) } : loss;
        });
        trainer.Description = $"{pruner.Method} mask ({options.Setting})";
        if (pruner is Module module) trainer.ExtraModules["pruner"] = module;
        if (snapshots is not null && options.SnapshotEvery > 0)
        {
            snapshots.Take(0);
            trainer.Hooks.Add(new DelegateHook(afterStep: (context, _) =>
            {
                if (context.Step % options.SnapshotEvery == 0) snapshots.Take(context.Step);
            }));
        }
        trainer.Run();
    }

    /// <summary>
    /// Voita's lambda search: bisection over short runs (<paramref name="shortRun"/>: the same setting with
    /// fewer steps), each from the model's current weights, which are restored afterwards.
    /// </summary>
    public static LambdaSearchResult SearchLambda<T>(PruningTask<T> task, PruningRunOptions shortRun, Func<double, HardConcretePruner> pruner,
                                                     int targetK, double low, double high, int trials)
    {
        var start = task.Model.StateDict();
        try
        {
            return LambdaSearch.Bisect(lambda =>
            {
                task.Model.LoadStateDict(start);
                using var p = pruner(lambda);
                LearnMask(task, p, shortRun);
                return p.ReachedK;
            }, targetK, low, high, trials);
        }
        finally
        {
            task.Model.LoadStateDict(start);
        }
    }

    /// <summary>The metric with the 0/1 gate of <paramref name="keep"/>, and the inference speed.</summary>
    public static (double Metric, double TokensPerSecond) EvaluateKeep<T>(PruningTask<T> task, bool[] keep)
    {
        var index = task.Prunable.HeadIndex;
        using var gate = index.GateTensor(task.Model.Parameters()[0].Device, HeadSelection.ToGate(keep));
        return Evaluate(task, gate);
    }

    /// <summary>The metric under <paramref name="gate"/> (null = every head) in evaluation mode, and tokens/s.</summary>
    public static (double Metric, double TokensPerSecond) Evaluate<T>(PruningTask<T> task, Tensor? gate)
    {
        bool training = task.Model.Training;
        task.Model.Eval();
        try
        {
            using var noGrad = NoGrad.Scope();
            var clock = Stopwatch.StartNew();
            var (metric, tokens) = task.Evaluate(gate);
            task.Model.Parameters()[0].Device.Synchronize();
            double seconds = clock.Elapsed.TotalSeconds;
            return (metric, seconds > 0 ? tokens / seconds : 0);
        }
        finally
        {
            task.Model.Train(training);
        }
    }

    static ParameterGroup ModelGroup(Module model, PruningRunOptions options) =>
        new(model.Parameters(), options.ModelLearningRate, options.WeightDecay, name: "model");

    static Trainer<T> NewTrainer<T>(PruningTask<T> task, Adam optimizer, long steps, PruningRunOptions options, bool freeze, LossFunction<T> loss)
    {
        var trainerOptions = new TrainerOptions
        {
            MaxSteps = steps, BatchSize = options.BatchSize, DataSeed = options.DataSeed, ClipNorm = options.ClipNorm, FreezeModel = freeze,
        };
        return new Trainer<T>(task.Model, optimizer, options.Schedule ?? new ConstantSchedule(), task.Train, loss, trainerOptions)
        {
            Progress = options.Progress,
        };
    }
}
