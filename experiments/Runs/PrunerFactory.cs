using NativeDsp.Engine;
using NativeDsp.Experiments.Pruning;
using NativeDsp.Experiments.Results;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Methods;
using NativeDsp.Model.Pruning.Units;
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

/// <summary>A unit pruner built for one run, with the head pruner's protocol values when it wraps one (for the result row).</summary>
/// <param name="Pruner">The pruner; the caller disposes it.</param>
/// <param name="Head">The head pruner it wraps (<see cref="HeadUnitPruner"/>), with its protocol values; null for a unit method.</param>
public sealed record BuiltUnitPruner(IUnitPruner Pruner, BuiltPruner? Head)
{
    /// <summary>Steps the mask is learnt for, for a unit method that learns one (a head pruner's come from <see cref="Head"/>).</summary>
    public long? MaskSteps { get; init; }

    /// <summary>DSP over units: T_cool; null for other methods.</summary>
    public long? CoolSteps { get; init; }

    /// <summary>Writes the protocol values into <paramref name="row"/>.</summary>
    public void Describe(ResultRow row)
    {
        if (Head is not null) Head.Describe(row);
        else
        {
            row.MaskSteps = MaskSteps;
            row.TCool = CoolSteps;
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

    // ---- unit methods (issue 20) -------------------------------------------------------------------------------

    /// <summary>The reading list's methods, which run only as unit runs (<see cref="UnitPruningRun"/>).</summary>
    public static bool IsUnitMethod(PruningMethod method) => method is PruningMethod.Gradrank or PruningMethod.Smp or PruningMethod.Mlpruning or PruningMethod.Snip;

    /// <summary>
    /// The settings a method runs in, its natural one first (the default when --setting is not given): DSP, STE and
    /// Voita joint or pipelined; Michel and gradient ranking score a trained model (pipelined); SMP prunes the
    /// pretrained model before fine-tuning; MLPruning and SNIP learn while the model trains (joint).
    /// </summary>
    public static IReadOnlyList<PruningSetting> Settings(PruningMethod method) => method switch
    {
        PruningMethod.Michel or PruningMethod.Gradrank => [PruningSetting.Pipelined],
        PruningMethod.Smp => [PruningSetting.BeforeFinetuning],
        PruningMethod.Mlpruning or PruningMethod.Snip => [PruningSetting.Joint],
        _ => [PruningSetting.Joint, PruningSetting.Pipelined],
    };

    /// <summary>
    /// Whether <paramref name="method"/> prunes the units <paramref name="units"/>: DSP any (heads: the paper's
    /// <see cref="DspPruner"/>; otherwise DSP over units); STE, Voita and Michel heads only; gradient ranking and SMP
    /// any kind (their papers: heads); MLPruning heads and FFN rows; SNIP heads and whole blocks (residual modules, no
    /// neurons). One table, kept in step with the pruners.
    /// </summary>
    public static bool Supports(PruningMethod method, UnitKinds units) => method switch
    {
        PruningMethod.Dsp or PruningMethod.Gradrank or PruningMethod.Smp => units != UnitKinds.None,
        PruningMethod.Mlpruning => (units & ~(UnitKinds.Heads | UnitKinds.Neurons)) == 0 && units != UnitKinds.None,
        PruningMethod.Snip => (units & ~(UnitKinds.Heads | UnitKinds.Blocks)) == 0 && units != UnitKinds.None,
        PruningMethod.None => true,
        _ => units == UnitKinds.Heads,
    };

    /// <summary>The unit sets a sweep runs a method over when --units is not given: DSP heads-only and heads + neurons; each other method its natural set.</summary>
    public static IReadOnlyList<UnitKinds> DefaultUnits(PruningMethod method) => method switch
    {
        PruningMethod.Dsp => [UnitKinds.Heads, UnitKinds.Heads | UnitKinds.Neurons],
        PruningMethod.Mlpruning => [UnitKinds.Heads | UnitKinds.Neurons],
        PruningMethod.Snip => [UnitKinds.Heads | UnitKinds.Blocks],
        _ => [UnitKinds.Heads],
    };

    /// <summary>
    /// The unit pruner of a unit run over <paramref name="index"/> keeping <paramref name="budget"/>. Head methods over
    /// heads only are the head pruners of <see cref="Create"/> seen as unit pruners (<see cref="HeadUnitPruner"/>), so a
    /// parameter budget and the measured speed come to them without a second implementation.
    /// </summary>
    /// <exception cref="ArgumentException">The method does not prune these units (<see cref="Supports"/>), or prunes nothing.</exception>
    public static BuiltUnitPruner CreateUnits<T>(TaskExperiment<T> experiment, Module model, PruningTask<T> task, RunSpec spec, UnitIndex index,
                                                 UnitBudget budget, PruningRunOptions options, Device device, TextWriter log)
    {
        if (!Supports(spec.Method, index.Kinds)) throw new ArgumentException($"--method {spec.MethodName} does not prune {UnitKindsText.Of(index.Kinds)}");
        var config = experiment.Config;
        ulong seed = (ulong)spec.Seed;
        long maskSteps = spec.Setting == PruningSetting.Joint ? options.TrainSteps : options.MaskSteps;
        if (index.Kinds == UnitKinds.Heads && spec.Method is PruningMethod.Dsp or PruningMethod.Ste or PruningMethod.Voita)
        {
            var built = Create(experiment, model, task, spec, HeadBudgetOf(budget, index), options, device, log);
            return new BuiltUnitPruner(new HeadUnitPruner(built.Pruner, index), built);
        }
        // ===== THE PLACE WHERE EACH UNIT METHOD'S PRUNER IS BUILT (one case per method, with the protocol values it takes) =====
        IUnitPruner pruner = spec.Method switch
        {
            // DSP over heads + neurons / blocks: the Gumbel-soft-top-K over the budget's segments, the protocol of the head DSP.
            PruningMethod.Dsp => new UnitDspPruner(device, index, budget, new DspOptions
            {
                Temperature = new TemperatureSchedule(config.Tau0, config.TauEnd, config.CoolStepsFor(maskSteps)), LearningRate = config.MaskLr, Seed = seed,
            }),
            // Gradient-ranked one-shot pruning: trials of its default length (a tenth of the run's training), seed from the run.
            PruningMethod.Gradrank => new GradientRankPruner(device, index, budget),
            // Single-Shot Meta-Pruning: its meta-pruner trained for 2 x mask_steps steps (the units preset's estimate), seeded by the run.
            PruningMethod.Smp => new SmpPruner(device, index, budget, new SmpOptions { Seed = seed, Steps = 2 * options.MaskSteps }),
            // MLPruning: learnable top-k thresholds, learnt jointly with the model in the mask phase (its defaults).
            PruningMethod.Mlpruning => new MlPruningPruner(device, index, budget, new MlPruningOptions()),
            // SNIP: its own joint procedure (spectral normalisation, identity prior, function-norm top-K per the budget), seeded by the run.
            PruningMethod.Snip => new SnipPruner(device, index, budget, new SnipOptions { Seed = seed }),
            _ => throw new ArgumentException($"--method {spec.MethodName} runs with --heads K only (no --units or --keep-params)"),
        };
        // ===== end of the place =====
        return new BuiltUnitPruner(pruner, null)
        {
            MaskSteps = pruner.ParameterGroup is null ? null : maskSteps,
            CoolSteps = spec.Method == PruningMethod.Dsp ? config.CoolStepsFor(maskSteps) : null,
        };
    }

    /// <summary>A heads-only unit budget as the head budget it is: global K, or K per module.</summary>
    /// <exception cref="ArgumentException">The budget's segments are neither one over all heads nor one per module.</exception>
    public static HeadBudget HeadBudgetOf(UnitBudget budget, UnitIndex index)
    {
        var segments = budget.Segments;
        if (segments.Count == 1 && segments[0].Offset == 0 && segments[0].Count == index.Count) return HeadBudget.Global(segments[0].K);
        if (segments.Count == index.Groups.Count && segments.Select((seg, i) => seg.Offset == index.Groups[i].Offset && seg.Count == index.Groups[i].Count).All(x => x))
            return HeadBudget.PerModule(segments.Select(seg => seg.K).ToArray());
        throw new ArgumentException($"a head method needs one K over all heads or one per module, not {budget}");
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
