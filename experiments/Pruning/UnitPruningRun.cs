using System.Diagnostics;
using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Training;

namespace NativeDsp.Experiments.Pruning;

/// <summary>
/// What a unit method's own procedure (<see cref="IUnitPruningProcedure"/>) gets beside the run's options: the
/// steps of the model's training (a pipelined run loads its model trained, so its options train nothing), the seed
/// trial runs derive theirs from, and the held-out batches of importance scores.
/// </summary>
/// <param name="TrainSteps">Steps of the run's model training (<see cref="UnitPruningContext.TrainSteps"/>).</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="ScoreBatches">Batches of importance scores.</param>
/// <param name="ScoreBatch">Batch b of them.</param>
public sealed record UnitProcedureInputs<T>(long TrainSteps, ulong Seed, int ScoreBatches, Func<int, IReadOnlyList<T>> ScoreBatch);

/// <summary>
/// The unit counterpart of <see cref="PruningRun"/>, on its phases (TrainModel, the mask phase, Evaluate, the
/// trainer and its checkpoints): an <see cref="IUnitPruner"/> over heads, FFN neurons or blocks decides at its
/// <see cref="PruningStage"/> (Joint: mask and penalty learnt with the model, or the method's procedure while it
/// trains; AfterTraining: the model trained first, then the mask learnt on the frozen model or the procedure run;
/// BeforeFineTuning: the procedure on the pretrained model, then the pruned model is fine-tuned), then
/// <see cref="IUnitPruner.FinalKeep"/> is evaluated as a 0/1 gate, the rest removed physically
/// (<see cref="IUnitPrunable.PruneUnits"/>), optionally fine-tuned, and measured: quality, parameters, kept units per
/// kind and, with <see cref="PruningRunOptions.TimeInference"/>, the forward time of the full and the pruned model.
/// </summary>
public static class UnitPruningRun
{
    /// <summary>
    /// The stage the run takes for <paramref name="pruner"/> in <paramref name="setting"/>: joint = Joint, pipelined =
    /// AfterTraining, before-finetuning = BeforeFineTuning; a method with its own procedure runs only at its stage.
    /// </summary>
    /// <exception cref="ArgumentException">The setting is not the procedure's stage, or before-finetuning without a procedure.</exception>
    public static PruningStage StageOf(IUnitPruner pruner, PruningSetting setting)
    {
        var stage = setting switch
        {
            PruningSetting.Joint => PruningStage.Joint,
            PruningSetting.Pipelined => PruningStage.AfterTraining,
            _ => PruningStage.BeforeFineTuning,
        };
        if (pruner is IUnitPruningProcedure procedure && procedure.Stage != stage)
            throw new ArgumentException($"pruning run: {pruner.Method} prunes at stage {procedure.Stage}, not in the {setting} setting");
        if (pruner is not IUnitPruningProcedure && stage == PruningStage.BeforeFineTuning)
            throw new ArgumentException($"pruning run: {pruner.Method} learns its mask with a trained model; only a single-shot procedure prunes before fine-tuning");
        return stage;
    }

    /// <summary>Runs <paramref name="pruner"/> on <paramref name="task"/> (see the class summary) and measures the result.</summary>
    /// <param name="task">The task; its model must be unit-prunable and be the model <paramref name="pruner"/>'s index was built over.</param>
    /// <param name="pruner">The method.</param>
    /// <param name="options">Steps, rates, checkpoints; TrainSteps: joint = model + mask, pipelined = model training first (0 = trained already), before-finetuning = fine-tuning the pruned model.</param>
    /// <param name="inputs">For a procedure: its training steps, seed and score batches (null = the options' steps and seed, the training set in order).</param>
    /// <exception cref="ArgumentException">The pruner was built over another model, or does not run in the setting.</exception>
    public static UnitPruningResult Run<T>(PruningTask<T> task, IUnitPruner pruner, PruningRunOptions options, UnitProcedureInputs<T>? inputs = null)
    {
        var model = task.Model;
        var prunable = task.UnitPrunable;
        if (!ReferenceEquals(pruner.Units.Model, model) || !ReferenceEquals(pruner.Units.Heads, prunable.HeadIndex))
            throw new ArgumentException("pruning run: the pruner was built over another unit index than the model's current one");
        var stage = StageOf(pruner, options.Setting);
        var before = KindCounts(prunable);
        long prunableParameters = pruner.Units.PrunableParameters;
        var clock = Stopwatch.StartNew();
        var procedure = pruner as IUnitPruningProcedure;
        if (stage == PruningStage.AfterTraining && options.TrainSteps > 0) PruningRun.TrainModel(task, options.TrainSteps, options, "train model");
        if (procedure is not null) procedure.Run(Context(task, pruner, options, inputs));
        else LearnMask(task, pruner, options);
        var keep = pruner.FinalKeep();
        pruner.Units.CheckKeep(keep);
        clock.Stop();

        var all = PruningRun.EvaluateUnits(task, UnitGates.None);
        (double Metric, double TokensPerSecond) masked;
        using (var gate = UnitGates.KeepTensor(model.Parameters()[0].Device, pruner.Units, keep))
            masked = PruningRun.EvaluateUnits(task, UnitGates.Split(pruner.Units, gate));
        var fullTiming = Time(task, options);
        long parametersFull = model.ParameterCount;
        prunable.PruneUnits(pruner.Units, UnitSelection.Ids(keep));
        var pruned = PruningRun.EvaluateUnits(task, UnitGates.None);
        var prunedTiming = Time(task, options);

        double? finetuned = null;
        if (stage == PruningStage.BeforeFineTuning && options.TrainSteps > 0)
        {
            clock.Start();
            PruningRun.TrainModel(task, options.TrainSteps, options, "fine-tune the pruned model", phase: "train");
            clock.Stop();
            finetuned = PruningRun.EvaluateUnits(task, UnitGates.None).Metric;
        }
        if (options.FinetuneSteps > 0)
        {
            PruningRun.TrainModel(task, options.FinetuneSteps, options, "fine-tune pruned model", phase: "finetune");
            finetuned = PruningRun.EvaluateUnits(task, UnitGates.None).Metric;
        }

        return new UnitPruningResult
        {
            Method = pruner.Method,
            Setting = options.Setting,
            Stage = stage,
            Units = pruner.Units.Kinds,
            Budget = pruner.Budget?.Description ?? "threshold",
            UnitsBefore = before,
            UnitsKept = KindCounts(prunable),
            HeadsPerModule = prunable.AttentionModules().Select(m => (m.Name, m.Module.BranchRemoved ? 0 : m.Module.Heads)).ToArray(),
            Shape = PrunedShape.Describe(prunable),
            AllUnitsMetric = all.Metric,
            MaskedMetric = masked.Metric,
            PrunedMetric = pruned.Metric,
            FinetunedMetric = finetuned,
            ParametersFull = parametersFull,
            ParametersPruned = model.ParameterCount,
            PrunableParameters = prunableParameters,
            // Measured on the pruned model: what the units held, less what pruning removed (UnitIndex.KeptParameters predicts it).
            KeptPrunableParameters = prunableParameters - (parametersFull - model.ParameterCount),
            MaskedTokensPerSecond = masked.TokensPerSecond,
            PrunedTokensPerSecond = pruned.TokensPerSecond,
            FullTiming = fullTiming,
            PrunedTiming = prunedTiming,
            TrainTime = clock.Elapsed,
        };
    }

    /// <summary>Learns a unit pruner's logits (nothing for one that learns none) in the mask phase <see cref="PruningRun"/> uses for heads.</summary>
    public static void LearnMask<T>(PruningTask<T> task, IUnitPruner pruner, PruningRunOptions options) =>
        PruningRun.LearnLogits(task, options, pruner.Method, pruner.ParameterGroup, ModuleOf(pruner), step => pruner.Mask(step, training: true), pruner.Penalty,
                               (batch, mask) => task.LossUnder(batch, UnitGates.Split(pruner.Units, mask)), snapshot: null);

    /// <summary>The pruner's module (its logits, saved in checkpoints), also through <see cref="HeadUnitPruner"/>; null when it has none.</summary>
    static Module? ModuleOf(IUnitPruner pruner) => pruner as Module ?? (pruner as HeadUnitPruner)?.Inner as Module;

    /// <summary>
    /// What a procedure may ask of the task: losses and hidden states of training batches taken in order (wrapping
    /// around), the score batches, and trial runs, each a trainer of its own with checkpoint phase "procedure1",
    /// "procedure2", ... (a deterministic procedure calls them in the same order again, so a resumed run continues).
    /// </summary>
    static UnitPruningContext Context<T>(PruningTask<T> task, IUnitPruner pruner, PruningRunOptions options, UnitProcedureInputs<T>? inputs)
    {
        var train = task.Train;
        int size = Math.Max(1, options.BatchSize);
        int batches = Math.Max(1, (train.Count + size - 1) / size);
        IReadOnlyList<T> TrainBatch(int i)
        {
            int b = ((i % batches) + batches) % batches;
            return Enumerable.Range(b * size, Math.Min(size, train.Count - b * size)).Select(j => train[j]).ToList();
        }
        int scoreBatches = inputs?.ScoreBatches ?? batches;
        Func<int, IReadOnlyList<T>> scoreBatch = inputs?.ScoreBatch ?? TrainBatch;
        int calls = 0;
        return new UnitPruningContext
        {
            Model = task.Model,
            Device = task.Model.Parameters()[0].Device,
            TrainBatches = batches,
            TrainLoss = (i, gates) => task.LossUnder(TrainBatch(i), gates),
            Hidden = (i, gates) => (task.Hidden ?? throw new ArgumentException($"pruning run: {pruner.Method} reads hidden states, which this task does not give"))(TrainBatch(i), gates),
            ScoreBatches = scoreBatches,
            ScoreLoss = (b, gates) => task.LossUnder(scoreBatch(((b % scoreBatches) + scoreBatches) % scoreBatches), gates),
            TrainSteps = inputs?.TrainSteps ?? options.TrainSteps,
            Seed = inputs?.Seed ?? options.DataSeed,
            Train = (steps, seed, groups, gates, extraLoss) =>
            {
                if (steps < 1) return;
                string phase = $"procedure{++calls}";
                using var optimizer = new AdamW([PruningRun.ModelGroup(task.Model, options), .. groups]);
                var trainer = PruningRun.NewTrainer(task, optimizer, steps, options with { DataSeed = seed }, freeze: false, phase: phase, loss: (batch, context) =>
                {
                    var loss = task.LossUnder(batch, gates?.Invoke(context.Step) ?? UnitGates.None);
                    return extraLoss?.Invoke(context.Step) is { } extra ? loss with { Loss = Ops.Add(loss.Loss, extra) } : loss;
                });
                trainer.Description = $"{pruner.Method} {phase}";
                if (ModuleOf(pruner) is { } module) trainer.ExtraModules["pruner"] = module;
                trainer.Run();
            },
        };
    }

    static TimingMeasurement? Time<T>(PruningTask<T> task, PruningRunOptions options)
    {
        if (!options.TimeInference || task.BenchmarkForward is not { } forward) return null;
        bool training = task.Model.Training;
        task.Model.Eval();
        try
        {
            return InferenceTiming.Measure(forward(options.TimingBatch), options.TimingBatch, options.TimingWarmUp, options.TimingRepetitions);
        }
        finally
        {
            task.Model.Train(training);
        }
    }

    /// <summary>The units of each kind the model has now: heads, neurons, attention blocks, FFN blocks (removed branches and their units not counted).</summary>
    public static IReadOnlyDictionary<UnitKind, int> KindCounts(IUnitPrunable model)
    {
        var attention = model.AttentionModules().Select(m => m.Module).ToList();
        var ffns = model.FeedForwardModules().Select(m => m.Module).ToList();
        return new Dictionary<UnitKind, int>
        {
            [UnitKind.Head] = attention.Where(m => !m.BranchRemoved).Sum(m => m.Heads),
            [UnitKind.Neuron] = ffns.Where(m => !m.BranchRemoved).Sum(m => m.Neurons),
            [UnitKind.AttentionBlock] = attention.Count(m => !m.BranchRemoved),
            [UnitKind.FfnBlock] = ffns.Count(m => !m.BranchRemoved),
        };
    }
}
