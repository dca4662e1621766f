using System.Diagnostics;
using NativeDsp.Engine;
using NativeDsp.Experiments.Pruning;
using NativeDsp.Experiments.Results;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The unit runs of <see cref="ExperimentRunner"/> (<see cref="RunSpec.IsUnitRun"/>): the model as a head run gets it
/// (pipelined: trained once per seed and cached; joint: trained with the mask; before-finetuning: the pretrained
/// model, fine-tuned after pruning), the unit index of the spec's kinds, the budget (K heads, or parameters through
/// <see cref="UnitBudget.FromCost"/>), the pruner (<see cref="PrunerFactory.CreateUnits"/>), then
/// <see cref="UnitPruningRun"/> with benchmark timing, and a row with the unit columns.
/// </summary>
static class UnitExperimentRunner
{
    public static ResultRow Run<T>(TaskExperiment<T> experiment, Module model, PruningTask<T> task, RunSpec spec, RunContext context)
    {
        var config = experiment.Config;
        if (!experiment.PrunesUnits && spec.Units != UnitKinds.Heads)
            throw new ExpectedFailureException($"--units {spec.UnitsName}: the {experiment.Name} model prunes heads only");
        if (!experiment.PrunesUnits)
            throw new ExpectedFailureException($"{spec.MethodName} with a parameter budget: unit runs are nli only (the {experiment.Name} model prunes heads only)");
        if (!PrunerFactory.Supports(spec.Method, spec.Units))
            throw new ExpectedFailureException($"--method {spec.MethodName} does not prune {spec.UnitsName}");
        if (ExperimentRunner.CannotRun(spec, config) is { } problem) throw new ExpectedFailureException(problem);
        var options = ExperimentRunner.RunOptions(spec, config, context) with
        {
            MaskSteps = config.MaskStepsFor(experiment.Train.Count),
            // Before fine-tuning, the model's training is the fine-tuning of the pruned model.
            TrainSteps = spec.Setting is PruningSetting.Joint or PruningSetting.BeforeFinetuning ? config.Steps : 0,
            TimeInference = config.TimeReps > 0,
            TimingRepetitions = Math.Max(1, config.TimeReps),
            TimingBatch = config.TimeBatch,
        };
        double pretrainSeconds = spec.Setting == PruningSetting.Pipelined ? ExperimentRunner.LoadOrTrain(experiment, model, task, spec, options, context) : 0;

        var index = UnitIndex.Build(task.UnitPrunable, spec.Units);
        var budget = Budget(spec, index);
        context.Log.WriteLine($"  {index}; budget {budget}" + (budget is { Cost: UnitCost.Parameters, KeptCost: double keptCost }
            ? $" = {keptCost / index.PrunableParameters:0.####} of the {index.PrunableParameters} prunable parameters" : ""));
        var searchClock = Stopwatch.StartNew();
        var built = PrunerFactory.CreateUnits(experiment, model, task, spec, index, budget, options, context.Device, context.Log);
        double searchSeconds = searchClock.Elapsed.TotalSeconds;
        using var pruner = built.Pruner;
        var (scoreBatches, scoreBatch) = PrunerFactory.MichelBatches(experiment, spec.Seed);
        var result = UnitPruningRun.Run(task, pruner, options, new UnitProcedureInputs<T>(config.Steps, (ulong)spec.Seed, scoreBatches, scoreBatch));
        context.Log.WriteLine($"  {result}");

        var row = ExperimentRunner.Row(spec, experiment, context, result.UnitsBefore[UnitKind.Head], result.UnitsKept[UnitKind.Head], result.Metric,
                                       result.ParametersFull, result.ParametersPruned, pretrainSeconds + searchSeconds + result.TrainTime.TotalSeconds,
                                       result.MaskedTokensPerSecond, result.PrunedTokensPerSecond, [], []);
        row.KeptPerModule = string.Join(";", result.HeadsPerModule.Select(m => $"{m.Module}={m.Heads}"));
        row.Units = spec.UnitsName;
        row.Budget = spec.BudgetName;
        row.KeptUnits = result.KeptUnitsText;
        row.PrunedShape = result.Shape;
        row.PrunableParams = result.PrunableParameters;
        row.KeptPrunableParams = result.KeptPrunableParameters;
        if (result.FullTiming is { } full && result.PrunedTiming is { } pruned) WriteTiming(row, full, pruned);
        built.Describe(row);
        // What export needs to rebuild the pruned model: task and preset (its config record), the original ids of the kept
        // heads and the shape (neurons per FFN, removed blocks).
        var heads = task.UnitPrunable.HeadIndex;
        var metadata = Export.SavedModel.RunMetadata(spec.Task, spec.Preset);
        ExperimentRunner.Finish(row, options, context, () => PruningRun.SavePrunedModel(model, new Dictionary<string, string>(metadata)
        {
            ["kept_heads"] = string.Join(",", Enumerable.Range(0, heads.Count).Select(heads.OriginalId)),
            ["method"] = result.Method,
            ["setting"] = spec.SettingName,
            ["units"] = spec.UnitsName,
            ["budget"] = spec.BudgetName,
            ["kept_units"] = result.KeptUnitsText,
            ["pruned_shape"] = result.Shape,
        }, options.OutputDirectory!));
        return row;
    }

    /// <summary>The spec's budget over <paramref name="index"/>: a parameter budget per kind, or K heads (split per module with --per-layer).</summary>
    /// <exception cref="ExpectedFailureException">The budget does not fit the model's units.</exception>
    public static UnitBudget Budget(RunSpec spec, UnitIndex index)
    {
        try
        {
            if (spec.Budget is { } parameters)
            {
                long prunable = index.PrunableParameters;
                if (!parameters.Fraction && parameters.Value > prunable)
                    throw new ExpectedFailureException($"--keep-params {parameters.Value:0}: the prunable units ({UnitKindsText.Of(index.Kinds)}) hold {prunable} parameters " +
                                                       $"(the budget counts only them, not the whole model): give at most {prunable}, or --keep-params-fraction F");
                return UnitBudget.FromCost(index, parameters.KeptOf(prunable), UnitCost.Parameters);
            }
            if (index.Kinds != UnitKinds.Heads) throw new ExpectedFailureException($"--units {spec.UnitsName}: give the budget in parameters (--keep-params N or --keep-params-fraction F); --heads K counts heads only");
            if (spec.HeadsKept < 1 || spec.HeadsKept > index.Count)
                throw new ExpectedFailureException($"--heads {spec.HeadsKept}: K must be in [1, {index.Count}] (the model has {index.Count} heads)");
            if (!spec.PerLayer) return UnitBudget.Global(index, spec.HeadsKept);
            var perModule = Model.Pruning.HeadBudget.SplitPerModule(index.Heads, spec.HeadsKept).Modules!;
            return UnitBudget.PerGroup(index, perModule.ToArray());
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ExpectedFailureException($"{spec.BudgetName}: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    /// <summary>Writes a timing pair into the row's timing columns (used by the run and by <c>nativedsp time</c>).</summary>
    public static void WriteTiming(ResultRow row, TimingMeasurement full, TimingMeasurement pruned)
    {
        row.InferMsFull = Math.Round(full.MedianMilliseconds, 3);
        row.InferMsPruned = Math.Round(pruned.MedianMilliseconds, 3);
        row.Speedup = Math.Round(full.MedianMilliseconds / pruned.MedianMilliseconds, 4);
        row.TimeBatch = full.Batch;
        row.TimeThreads = full.Threads;
        row.TimeReps = full.Repetitions;
        row.TimeLoad = full.LoadAverage is double load ? Math.Round(load, 2) : null;
        row.TimeQuiet = full.Quiet && pruned.Quiet;
    }

}
