using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Training;

namespace NativeDsp.Model.Pruning.Methods;

/// <summary>Settings of <see cref="GradientRankPruner"/>.</summary>
public sealed record GradientRankOptions
{
    /// <summary>Trial runs R ("a few trial experiments"; 3 by default, our choice).</summary>
    public int Trials { get; init; } = 3;

    /// <summary>
    /// Training steps of each trial run (a short fine-tuning); null = a tenth of the run's own training steps
    /// (<see cref="UnitPruningContext.TrainSteps"/>; at least 1 when it has any), our choice: the trials are to be
    /// cheap next to the run. 0 scores the current weights R times, which then only repeats one ranking.
    /// </summary>
    public long? TrialSteps { get; init; }

    /// <summary>The steps of each trial run in a run of <paramref name="trainSteps"/> training steps.</summary>
    public long StepsFor(long trainSteps) => TrialSteps ?? (trainSteps > 0 ? Math.Max(1, trainSteps / 10) : 0);

    /// <summary>Throws unless the settings are usable.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Trials is below 1 or TrialSteps is negative.</exception>
    public void Validate()
    {
        if (Trials < 1) throw new ArgumentOutOfRangeException(nameof(Trials), Trials, "gradrank: at least one trial run is needed");
        if (TrialSteps is < 0) throw new ArgumentOutOfRangeException(nameof(TrialSteps), TrialSteps, "gradrank: trial steps must be >= 0");
    }
}

/// <summary>
/// Gradient-ranked one-shot pruning (Ma, Zhang, Lou, Wang &amp; Vosoughi 2021, "Contributions of Transformer
/// Attention Heads in Multi- and Cross-lingual Tasks", ACL 2021, doi:10.18653/v1/2021.acl-long.152): heads of
/// mBERT / XLM-R are ranked by gradient importance "identified with a few trial experiments" and the
/// lowest-ranked are pruned at once. Procedure (<see cref="Run"/>, stage <see cref="PruningStage.AfterTraining"/>):
/// <list type="number">
/// <item>R trial runs, each starting from the model's current weights: fine-tune every parameter for the
/// trial steps with its own data seed (<see cref="UnitPruningContext.Train"/>);</item>
/// <item>after each, Michel et al.'s importance I_u = sum_b |dL_b/dg_u| / tokens over the held-out score
/// batches at the all-ones gate, with the model frozen in evaluation mode (<see cref="UnitImportance.GateGradient"/>),
/// L2-normalised per module (<see cref="UnitImportance.Normalise"/>); then the starting weights (with the
/// model's dropout stream and training mode) are restored;</item>
/// <item>the score of a unit is its normalised importance averaged over the R trials, and the budget's top-K
/// by that score survive, decided once (no iterative re-scoring under the shrinking mask, unlike Michel et al.).</item>
/// </list>
/// Choices where the paper's description leaves a detail open: the trials differ only in their data order
/// (seed i derived from the run's seed), each trial is a tenth of the run's own training unless set; the
/// rankings are combined by averaging the normalised scores (per-module normalisation puts every trial on the
/// same scale, so this is an average of rankings weighted by the margins); the budget is an exact K (the paper
/// sweeps the number of pruned heads on development data; the sweep does that here). The units may be of any
/// kind (a unit's importance is |dL/dg_u| of its gate), heads being the paper's case. Only the paper's abstract
/// was available to us: the importance is Michel et al.'s gradient score, which the paper builds on, and the
/// averaging over trials is ours. (Budhraja et al. 2020, "On the weak link between importance and prunability
/// of attention heads", is not this method: it prunes heads at random.)
/// </summary>
public sealed class GradientRankPruner : IUnitPruningProcedure
{
    readonly Device device;
    float[] scores;
    bool[]? keep;
    readonly List<float[]> trials = [];

    /// <summary>Gradient ranking over <paramref name="units"/>, keeping <paramref name="budget"/>.Total units.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="budget"/> is null (the method prunes to an exact K).</exception>
    /// <exception cref="ArgumentException">The budget does not fit the units.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public GradientRankPruner(Device device, UnitIndex units, UnitBudget budget, GradientRankOptions? options = null)
    {
        Budget = budget ?? throw new ArgumentNullException(nameof(budget), "gradrank needs a unit budget K");
        budget.Validate(units);
        Options = options ?? new GradientRankOptions();
        Options.Validate();
        this.device = device;
        Units = units;
        scores = new float[units.Count];
    }

    /// <summary>The settings.</summary>
    public GradientRankOptions Options { get; }
    /// <summary>"gradrank".</summary>
    public string Method => "gradrank";
    /// <summary>The units ranked.</summary>
    public UnitIndex Units { get; }
    /// <summary>The units to keep.</summary>
    public UnitBudget Budget { get; }
    UnitBudget? IUnitPruner.Budget => Budget;
    /// <summary>Null: the method learns no parameter of its own.</summary>
    public ParameterGroup? ParameterGroup => null;
    /// <summary><see cref="PruningStage.AfterTraining"/>: the trial runs start from the trained model.</summary>
    public PruningStage Stage => PruningStage.AfterTraining;

    /// <summary>True once <see cref="Run"/> has ranked the units.</summary>
    public bool HasRun => keep is not null;

    /// <summary>The normalised importance [Units.Count] after each trial run of the last <see cref="Run"/>.</summary>
    public IReadOnlyList<float[]> TrialScores => trials;

    /// <summary>Runs the R trial runs, scores the units after each and ranks them (see the class summary).</summary>
    /// <exception cref="ArgumentException">The context's model is not the one the unit index was built over.</exception>
    public void Run(UnitPruningContext context)
    {
        if (!ReferenceEquals(Units.Model, context.Model)) throw new ArgumentException("gradrank: the unit index was built over another model than the context's");
        var model = context.Model;
        long steps = Options.StepsFor(context.TrainSteps);
        var start = new Start(model);
        var root = new Rng(context.Seed).Fork(0x6772_6164); // "grad": trial seeds apart from the run's own streams
        trials.Clear();
        try
        {
            for (int r = 0; r < Options.Trials; r++)
            {
                context.Train(steps, root.Fork((ulong)r).Seed, [], null, null);
                double[] raw;
                using (model.Freeze(evaluationMode: true))
                    raw = UnitImportance.GateGradient(device, Units, context.ScoreLoss, context.ScoreBatches);
                trials.Add(UnitImportance.Normalise(Units, raw));
                start.Restore();
            }
        }
        finally
        {
            start.Restore();
        }
        scores = new float[Units.Count];
        for (int u = 0; u < scores.Length; u++) scores[u] = (float)trials.Average(t => (double)t[u]);
        keep = UnitSelection.TopK(scores, Budget, Units);
    }

    /// <summary>What a trial run changes and the procedure puts back: weights, the dropout stream, each module's training mode.</summary>
    sealed class Start
    {
        readonly Module model;
        readonly Dictionary<string, HostTensor> weights;
        readonly Rng? dropout;
        readonly RngState dropoutState;
        readonly (Module Module, bool Training)[] modes;

        public Start(Module model)
        {
            this.model = model;
            weights = model.StateDict();
            dropout = (model as IDropoutRandom)?.DropoutRng;
            dropoutState = dropout?.State ?? default;
            modes = model.NamedModules().Select(m => (m.Module, m.Module.Training)).ToArray();
        }

        public void Restore()
        {
            model.LoadStateDict(weights);
            dropout?.Restore(dropoutState);
            foreach (var (m, training) in modes) m.Train(training); // pre-order: a child's own mode is set after its parent's
        }
    }

    /// <summary>The 0/1 gate of <see cref="FinalKeep"/> (all ones before <see cref="Run"/>), tape-owned, in training and evaluation alike.</summary>
    public Tensor Mask(long step, bool training) => device.Tape.Own(Tensor.FromArray(device, SnapshotMask(step), Units.Count));

    /// <summary>Null: no penalty.</summary>
    public Tensor? Penalty() => null;

    /// <summary>The top-K units by averaged importance, exactly Budget.Total of them.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Run"/> has not run.</exception>
    public bool[] FinalKeep() => (bool[])(keep ?? throw new InvalidOperationException("gradrank: run the procedure (trial runs) before asking which units survive")).Clone();

    /// <summary>The importance averaged over the trials (0 before <see cref="Run"/>).</summary>
    public float[] Scores() => (float[])scores.Clone();

    /// <summary>The keep mask as 0/1 (all ones before <see cref="Run"/>).</summary>
    public float[] SnapshotMask(long step) => keep is null ? Enumerable.Repeat(1f, Units.Count).ToArray() : Units.MaskKeeping(keep);

    /// <summary>Nothing to free.</summary>
    public void Dispose() { }
}
