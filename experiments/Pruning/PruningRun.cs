using System.Diagnostics;
using System.Globalization;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Model.Training;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Units;

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
            TrainModel(task, options.FinetuneSteps, options, "fine-tune pruned model", phase: "finetune");
            finetuned = Evaluate(task, null).Metric;
        }

        string? snapshotPath = null;
        if (options.OutputDirectory is string dir && snapshots.Count > 0)
        {
            Directory.CreateDirectory(dir);
            snapshots.WriteCsv(snapshotPath = Path.Combine(dir, SnapshotFile));
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
        };
    }

    /// <summary>
    /// Writes the pruned (and fine-tuned) model of <paramref name="result"/> to <paramref name="directory"/>/pruned.safetensors
    /// (atomically), with the method, setting and kept heads as metadata. Separate from <see cref="Run{T}"/> so that
    /// the caller records the result first: a large file that cannot be written (full disk) must not lose it.
    /// </summary>
    /// <param name="model">The pruned model.</param>
    /// <param name="result">The run's result.</param>
    /// <param name="directory">The run's folder.</param>
    /// <param name="extra">More metadata (the experiments add the run's task and preset, which export reads).</param>
    /// <returns>The file's path.</returns>
    /// <exception cref="IOException">The file cannot be written; no partial or temporary file is left.</exception>
    public static string SavePrunedModel(Module model, PruningResult result, string directory, IReadOnlyDictionary<string, string>? extra = null)
    {
        var metadata = new Dictionary<string, string>
        {
            ["method"] = result.Method,
            ["setting"] = result.Setting.ToString(),
            ["kept_heads"] = string.Join(",", result.Kept),
            ["heads_before"] = result.Heads.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) metadata[key] = value;
        return SavePrunedModel(model, metadata, directory);
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="directory"/>/pruned.safetensors (atomically) with <paramref name="metadata"/>.</summary>
    /// <returns>The file's path.</returns>
    /// <exception cref="IOException">The file cannot be written; no partial or temporary file is left.</exception>
    public static string SavePrunedModel(Module model, IReadOnlyDictionary<string, string> metadata, string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, PrunedModelFile);
        SafetensorsWriter.Write(path, model.StateDict(), metadata.ToDictionary());
        return path;
    }

    /// <summary>
    /// Trains the model alone (every head on) for <paramref name="steps"/> steps; with
    /// <see cref="PruningRunOptions.CheckpointDirectory"/>, resumably in its subfolder <paramref name="phase"/>.
    /// </summary>
    /// <returns>Where the data order stopped (the model's dropout stream is in the model, <see cref="IDropoutRandom"/>).</returns>
    public static DataOrderState TrainModel<T>(PruningTask<T> task, long steps, PruningRunOptions options, string description = "train model", string phase = "train")
    {
        using var optimizer = new AdamW([ModelGroup(task.Model, options)]);
        var trainer = NewTrainer(task, optimizer, steps, options, freeze: false, (batch, _) => task.Loss(batch, null), phase);
        trainer.Description = description;
        trainer.Run();
        return trainer.DataOrder.State;
    }

    /// <summary>
    /// Learns the pruner's logits: jointly with the model (TrainSteps), or with the model frozen (MaskSteps;
    /// its parameters get no gradient, no optimizer state, and stay bit-identical). Nothing for Michel.
    /// </summary>
    public static void LearnMask<T>(PruningTask<T> task, IHeadPruner pruner, PruningRunOptions options, MaskSnapshots? snapshots = null) =>
        LearnLogits(task, options, pruner.Method, pruner.ParameterGroup, pruner as Module, step => pruner.Mask(step, training: true), pruner.Penalty,
                    (batch, mask) => task.Loss(batch, mask), snapshots is null ? null : snapshots.Take);

    /// <summary>
    /// The mask-learning phase shared by head and unit pruners: trains <paramref name="logits"/> (nothing when null)
    /// jointly with the model (TrainSteps) or with the model frozen (MaskSteps), on the task loss under the mask of each
    /// step plus the penalty, in checkpoint phase "mask"; <paramref name="snapshot"/> is called at step 0 and every
    /// SnapshotEvery steps.
    /// </summary>
    /// <exception cref="ArgumentException">The phase's step count is below 1.</exception>
    internal static void LearnLogits<T>(PruningTask<T> task, PruningRunOptions options, string method, ParameterGroup? logits, Module? prunerModule,
                                        Func<long, Tensor> mask, Func<Tensor?> penalty, Func<IReadOnlyList<T>, Tensor, BatchLoss> maskedLoss,
                                        Action<long>? snapshot)
    {
        if (logits is null) return;
        bool joint = options.Setting == PruningSetting.Joint;
        long steps = joint ? options.TrainSteps : options.MaskSteps;
        if (steps < 1) throw new ArgumentException($"pruning run: {(joint ? "TrainSteps" : "MaskSteps")} must be >= 1 to learn the {method} mask");
        var groups = joint ? new[] { ModelGroup(task.Model, options), logits } : [logits];
        using var optimizer = new AdamW(groups);
        var trainer = NewTrainer(task, optimizer, steps, options, freeze: !joint, phase: "mask", loss: (batch, context) =>
        {
            var loss = maskedLoss(batch, mask(context.Step));
            return penalty() is { } p ? loss with { Loss = Ops.Add(loss.Loss, p) } : loss;
        });
        trainer.Description = $"{method} mask ({options.Setting})";
        if (prunerModule is not null) trainer.ExtraModules["pruner"] = prunerModule;
        if (snapshot is not null && options.SnapshotEvery > 0)
        {
            snapshot(0);
            trainer.Hooks.Add(new DelegateHook(afterStep: (context, _) =>
            {
                if (context.Step % options.SnapshotEvery == 0) snapshot(context.Step);
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
    public static (double Metric, double TokensPerSecond) Evaluate<T>(PruningTask<T> task, Tensor? gate) => Measure(task, () => task.Evaluate(gate));

    /// <summary>The metric under unit gates in evaluation mode, and tokens/s.</summary>
    public static (double Metric, double TokensPerSecond) EvaluateUnits<T>(PruningTask<T> task, UnitGates gates) => Measure(task, () => task.EvaluateUnder(gates));

    static (double Metric, double TokensPerSecond) Measure<T>(PruningTask<T> task, Func<(double Metric, long Tokens)> evaluate)
    {
        bool training = task.Model.Training;
        task.Model.Eval();
        try
        {
            using var noGrad = NoGrad.Scope();
            var clock = Stopwatch.StartNew();
            var (metric, tokens) = evaluate();
            task.Model.Parameters()[0].Device.Synchronize();
            double seconds = clock.Elapsed.TotalSeconds;
            return (metric, seconds > 0 ? tokens / seconds : 0);
        }
        finally
        {
            task.Model.Train(training);
        }
    }

    internal static ParameterGroup ModelGroup(Module model, PruningRunOptions options) =>
        new(model.Parameters(), options.ModelLearningRate, options.WeightDecay, name: "model");

    /// <summary>
    /// A trainer for one phase of the run. The model's dropout stream is registered so that checkpoints carry it;
    /// with a checkpoint directory the phase checkpoints into its own subfolder and continues from it.
    /// </summary>
    internal static Trainer<T> NewTrainer<T>(PruningTask<T> task, Adam optimizer, long steps, PruningRunOptions options, bool freeze, LossFunction<T> loss, string phase)
    {
        var trainerOptions = new TrainerOptions
        {
            MaxSteps = steps, BatchSize = options.BatchSize, DataSeed = options.DataSeed, ClipNorm = options.ClipNorm, FreezeModel = freeze,
            CheckpointDirectory = options.CheckpointDirectory is string dir ? Path.Combine(dir, phase) : null,
            CheckpointEvery = options.CheckpointEvery,
            CheckpointInterval = options.CheckpointInterval,
            // Run() resumes, after the caller has registered everything (the mask phase adds the pruner).
            Resume = options.CheckpointDirectory is not null,
        };
        var trainer = new Trainer<T>(task.Model, optimizer, options.Schedule ?? new ConstantSchedule(), task.Train, loss, trainerOptions)
        {
            Progress = options.Progress,
        };
        if (task.Model is IDropoutRandom dropout) trainer.Rngs["dropout"] = dropout.DropoutRng;
        return trainer;
    }
}
