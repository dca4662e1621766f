using NativeDsp.Engine;
using NativeDsp.Experiments.Pruning;
using NativeDsp.Experiments.Results;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Training;

namespace NativeDsp.Experiments.Runs;

/// <summary>A pruner built for one run, with the protocol values it was built with (for the result row).</summary>
/// <param name="Pruner">The pruner; the caller disposes it.</param>
/// <param name="MaskSteps">Steps the mask is learnt for (joint: the training steps); null for Michel.</param>
/// <param name="CoolSteps">DSP's T_cool; null for other methods.</param>
/// <param name="MichelStepHeads">Michel's heads per step; null for other methods.</param>
/// <param name="Search">Voita's lambda search, when one ran.</param>
public sealed record BuiltPruner(IHeadPruner Pruner, long? MaskSteps, long? CoolSteps, int? MichelStepHeads, LambdaSearchResult? Search)
{
    /// <summary>Writes the protocol values into <paramref name="row"/>, and Voita's lambda and the K its gates reached (read from the pruner after its run).</summary>
    public void Describe(ResultRow row)
    {
        row.MaskSteps = MaskSteps;
        row.TCool = CoolSteps;
        row.MichelStepHeads = MichelStepHeads;
        if (Pruner is HardConcretePruner voita)
        {
            row.Lambda = voita.Options.Lambda;
            row.HeadsReached = voita.ReachedK;
        }
    }
}

/// <summary>
/// Builds the pruner of a run with the protocol of its config (<see cref="Presets"/>): DSP's T_cool from
/// <see cref="ExperimentConfig.Cooldown"/>, Michel's step and importance batches, and Voita's lambda, searched per K
/// (<see cref="LambdaSearch"/>) when <see cref="ExperimentConfig.VoitaSearch"/> is on.
/// </summary>
public static class PrunerFactory
{
    /// <summary>
    /// The pruner of <paramref name="spec"/>. For Voita with the search on, first runs up to
    /// <see cref="ExperimentConfig.VoitaTrials"/> short runs (<see cref="ExperimentConfig.VoitaTrialFraction"/> of the
    /// run's mask steps each, from the model's current weights, which are restored) and uses the lambda whose gates
    /// came closest to K.
    /// </summary>
    /// <param name="options">The run's options; their <see cref="PruningRunOptions.MaskSteps"/> is already the protocol's.</param>
    /// <exception cref="ArgumentException"><paramref name="spec"/>'s method prunes nothing (none).</exception>
    public static BuiltPruner Create<T>(TaskExperiment<T> experiment, Module model, PruningTask<T> task, RunSpec spec, HeadBudget budget,
                                        PruningRunOptions options, Device device, TextWriter log)
    {
        var config = experiment.Config;
        var index = ((IHeadPrunable)model).HeadIndex;
        ulong seed = (ulong)spec.Seed;
        bool joint = spec.Setting == PruningSetting.Joint;
        long maskSteps = joint ? options.TrainSteps : options.MaskSteps;
        switch (spec.Method)
        {
            case PruningMethod.Dsp:
                long cool = config.CoolStepsFor(maskSteps);
                return new BuiltPruner(new DspPruner(device, index, budget, new DspOptions
                {
                    Temperature = new TemperatureSchedule(config.Tau0, config.TauEnd, cool),
                    LearningRate = config.MaskLr,
                    Seed = seed,
                }), maskSteps, cool, null, null);
            case PruningMethod.Ste:
                return new BuiltPruner(new StePruner(device, index, budget, config.MaskLr, seed), maskSteps, null, null, null);
            case PruningMethod.Voita:
            {
                HardConcretePruner Voita(double lambda) =>
                    new(device, index, budget, new HardConcreteOptions { Lambda = lambda, LearningRate = config.VoitaLr, Seed = seed });
                if (!config.VoitaSearch) return new BuiltPruner(Voita(config.VoitaLambda), maskSteps, null, null, null);
                var shortRun = ShortRun(options, config.VoitaTrialFraction, joint);
                var search = PruningRun.SearchLambda(task, shortRun, Voita, budget.Total, config.VoitaLambdaLow, config.VoitaLambdaHigh, config.VoitaTrials);
                log.WriteLine($"  voita lambda search for K = {budget.Total} ({(joint ? shortRun.TrainSteps : shortRun.MaskSteps)} steps a trial): " +
                              string.Join(", ", search.Trials.Select(t => $"{t.Lambda:g3} -> {t.HeadsReached}")) + $"; using {search.Best.Lambda:g4}");
                return new BuiltPruner(Voita(search.Best.Lambda), maskSteps, null, null, search);
            }
            case PruningMethod.Michel:
            {
                int step = MichelPruner.StepFor(index, config.MichelStep);
                var (batches, batch) = MichelBatches(experiment, spec.Seed);
                return new BuiltPruner(new MichelPruner(device, index, budget, (b, gate) => experiment.Loss(model, batch(b), gate), batches, step),
                                       null, null, step, null);
            }
            default:
                throw new ArgumentException($"method {spec.MethodName} prunes nothing");
        }
    }

    /// <summary>
    /// Michel's importance batches: <see cref="ExperimentConfig.MichelBatches"/> fixed random batches of the training
    /// set (the same for every K of a seed), or with 0 one sequential pass over the whole training set, as the official code.
    /// </summary>
    public static (int Count, Func<int, IReadOnlyList<T>> Batch) MichelBatches<T>(TaskExperiment<T> experiment, int seed)
    {
        var config = experiment.Config;
        if (config.MichelBatches > 0) return (config.MichelBatches, b => experiment.ImportanceBatch(b, seed));
        var train = experiment.Train;
        int size = Math.Max(1, config.Batch);
        int count = Math.Max(1, (train.Count + size - 1) / size);
        return (count, b => Enumerable.Range(b * size, Math.Min(size, train.Count - b * size)).Select(i => train[i]).ToList());
    }

    /// <summary>The options of one short run of a lambda search: <paramref name="fraction"/> of the run's steps (at least 1), writing nothing.</summary>
    public static PruningRunOptions ShortRun(PruningRunOptions options, double fraction, bool joint) => options with
    {
        TrainSteps = joint ? Math.Max(1, (long)Math.Round(fraction * options.TrainSteps)) : 0,
        MaskSteps = Math.Max(1, (long)Math.Round(fraction * options.MaskSteps)),
        FinetuneSteps = 0,
        SnapshotEvery = 0,
        OutputDirectory = null,
        // A trial must neither resume from nor write the real run's checkpoints.
        CheckpointDirectory = null,
    };
}
