using NativeDsp.Engine;
using NativeDsp.Model.Layers;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Model.Pruning.Methods;

/// <summary>Settings of <see cref="SnipPruner"/>.</summary>
public sealed record SnipOptions
{
    /// <summary>lambda of the identity prior (our default; the paper's value was not available to us).</summary>
    public double Lambda { get; init; } = 0.01;

    /// <summary>Without a budget: a unit whose relative function norm ||g(x)|| / ||x|| is below this is removed.</summary>
    public double Threshold { get; init; } = 0.05;

    /// <summary>Spectral normalisation of the residual modules' weight matrices during fine-tuning (on by default; off = the identity prior alone, an ablation).</summary>
    public bool SpectralNormalization { get; init; } = true;

    /// <summary>The bound c of <see cref="SpectralNorm.NormBound"/> (W c / sigma only when sigma &gt; c), or null for plain W / sigma.</summary>
    public float? NormBound { get; init; }

    /// <summary>
    /// Without <see cref="NormBound"/>: bound each matrix at its own spectral norm when fine-tuning starts (W sigma_0 /
    /// sigma once sigma &gt; sigma_0; on by default). Plain W / sigma divides every pretrained MiniLM matrix by its
    /// sigma (~2-20) and the model fell to chance accuracy (0.334 of 3 classes) within the run; bounded at sigma_0 the
    /// pretrained function is kept and every module stays Lipschitz-bounded, which is what the function norms need.
    /// Our choice: the paper's text was not available to us.
    /// </summary>
    public bool BoundAtPretrainedNorm { get; init; } = true;

    /// <summary>Power iterations when spectral normalisation is installed (then one per step).</summary>
    public int InitialPowerIterations { get; init; } = 15;

    /// <summary>Fine-tuning steps of the procedure; null = the run's training steps (<see cref="UnitPruningContext.TrainSteps"/>).</summary>
    public long? Steps { get; init; }

    /// <summary>Seed of u, v and of the fine-tuning's data order.</summary>
    public ulong Seed { get; init; }
}

/// <summary>
/// SNIP, spectral-normalised identity priors (Lin, Liu, Yang, Hua and Roth 2020, "Pruning Redundant Mappings in
/// Transformer Models via Spectral-Normalized Identity Prior", Findings of EMNLP, arXiv:2010.01791): a residual
/// module y = x + g(x) whose function g is negligible is a redundant mapping, and removing it leaves the identity.
/// The procedure (<see cref="Run"/>, stage <see cref="PruningStage.Joint"/>): (1) fine-tune the model on the task
/// with every residual module's weight matrices (q/k/v/out_proj, fc1/fc2) spectrally normalised
/// (<see cref="SpectralNorm"/>: W / sigma(W), sigma by one power iteration per step, gradient through sigma with u, v
/// fixed, as PyTorch's spectral_norm), which bounds each module's Lipschitz constant so that function norms are
/// comparable across modules and layers, plus the identity prior lambda sum_u ||g_u(x)|| / ||x|| that pulls every
/// selected unit (a head, an attention block, an FFN block) toward g_u = 0; (2) fold W / sigma into the weights;
/// (3) measure each unit's relative function norm ||g_u(x)||_n / ||x||_n on held-out batches (eval mode); (4) remove
/// the units below <see cref="SnipOptions.Threshold"/>, or, with a budget, keep the top K_s by function norm in each
/// budget segment.
/// <para>
/// Choices (only the abstract was available to us; the details below are ours): the identity prior is a Laplace
/// (L1) penalty on each unit's relative function norm over the step's real tokens (<see cref="FunctionNormObserver.IdentityPrior"/>),
/// its denominator ||x|| a constant; a head's function is its context times its columns of out_proj (out_proj's bias
/// belongs to the attention block); function norms are sqrt(sum_t ||g(x_t)||^2 / sum_t ||x_t||^2) over the held-out
/// batches' real tokens (the training batches when there are none); u, v start from a seed with 15 power iterations.
/// Spectral normalisation is bounded at each matrix's own spectral norm when fine-tuning starts
/// (<see cref="SnipOptions.BoundAtPretrainedNorm"/>: plain W / sigma destroyed pretrained MiniLM); plain W / sigma and
/// a fixed bound are options. FFN neurons are not SNIP units (the paper prunes heads, attention blocks and FFN blocks).
/// </para>
/// </summary>
public sealed class SnipPruner : IUnitPruningProcedure
{
    readonly List<SpectralNorm> norms = [];
    double[]? functionNorms;
    bool[]? keep;

    /// <summary>SNIP over the heads / attention blocks / FFN blocks of <paramref name="units"/>; with <paramref name="budget"/> the top K by function norm, else the threshold.</summary>
    /// <exception cref="ArgumentException">The index holds FFN neurons, or the budget does not fit it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">lambda or the threshold is negative or not finite, or the steps are negative.</exception>
    public SnipPruner(Device device, UnitIndex units, UnitBudget? budget, SnipOptions? options = null)
    {
        Options = options ?? new SnipOptions();
        if (units.Kinds.Has(UnitKind.Neuron)) throw new ArgumentException($"snip: prunes residual modules (heads, attention blocks, FFN blocks), not FFN neurons; got {units}");
        if (!(Options.Lambda >= 0) || double.IsInfinity(Options.Lambda)) throw new ArgumentOutOfRangeException(nameof(options), Options.Lambda, "snip: lambda must be finite and >= 0");
        if (!(Options.Threshold >= 0) || double.IsInfinity(Options.Threshold)) throw new ArgumentOutOfRangeException(nameof(options), Options.Threshold, "snip: the function-norm threshold must be finite and >= 0");
        if (Options.Steps is < 0) throw new ArgumentOutOfRangeException(nameof(options), Options.Steps, "snip: steps must be >= 0");
        budget?.Validate(units);
        Device = device;
        Units = units;
        Budget = budget;
        Observer = new FunctionNormObserver(units);
    }

    /// <summary>"snip".</summary>
    public string Method => "snip";
    /// <summary>Joint: the identity prior and spectral normalisation act while the model fine-tunes.</summary>
    public PruningStage Stage => PruningStage.Joint;
    /// <summary>The settings.</summary>
    public SnipOptions Options { get; }
    /// <summary>The device of the model.</summary>
    public Device Device { get; }
    /// <summary>The units (heads and/or blocks).</summary>
    public UnitIndex Units { get; }
    /// <summary>The exact counts kept, or null for the function-norm threshold.</summary>
    public UnitBudget? Budget { get; }
    /// <summary>None: SNIP learns no gate; its procedure trains the model itself.</summary>
    public ParameterGroup? ParameterGroup => null;
    /// <summary>The observer of the training forward passes (identity prior).</summary>
    public FunctionNormObserver Observer { get; }
    /// <summary>The spectral normalisations installed (empty outside <see cref="Run"/>, or when switched off).</summary>
    public IReadOnlyList<SpectralNorm> SpectralNorms => norms;

    /// <summary>The relative function norms measured by <see cref="Run"/>, [Units.Count].</summary>
    /// <exception cref="InvalidOperationException"><see cref="Run"/> has not run.</exception>
    public double[] FunctionNorms => functionNorms ?? throw new InvalidOperationException("snip: the function norms are measured by Run; run the procedure first");

    /// <summary>Spectral normalisation of every Linear of every residual module of <paramref name="model"/> (attention q/k/v/out_proj, FFN fc1/fc2), installed.</summary>
    /// <exception cref="InvalidOperationException">Already installed.</exception>
    public void InstallSpectralNorm(IUnitPrunable model)
    {
        if (norms.Count > 0) throw new InvalidOperationException("snip: spectral normalisation is already installed");
        var layers = model.AttentionModules().Where(m => !m.Module.BranchRemoved).SelectMany(m => new[] { m.Module.QProj, m.Module.KProj, m.Module.VProj, m.Module.OutProj })
            .Concat(model.FeedForwardModules().Where(m => !m.Module.BranchRemoved).SelectMany(m => new[] { m.Module.Fc1, m.Module.Fc2 }));
        var rng = new Rng(Options.Seed).Fork(7);
        ulong i = 0;
        foreach (var layer in layers)
        {
            var sn = new SpectralNorm(layer, rng.Fork(i++).Seed, Options.InitialPowerIterations, Options.NormBound, Options.BoundAtPretrainedNorm);
            sn.Install();
            norms.Add(sn);
        }
    }

    /// <summary>The gates of training step <paramref name="step"/>: one power iteration per normalised layer, then no gate and the identity-prior observer (cleared).</summary>
    public UnitGates TrainingGates(long step)
    {
        foreach (var sn in norms) sn.PowerIteration(1);
        Observer.Clear();
        return new UnitGates { Observer = Observer };
    }

    /// <summary>The identity prior of the step's forward pass (<see cref="FunctionNormObserver.IdentityPrior"/>), or null.</summary>
    public Tensor? Penalty() => Observer.IdentityPrior(Options.Lambda);

    /// <summary>Folds every spectral normalisation into its weight and removes it.</summary>
    public void FoldSpectralNorm()
    {
        foreach (var sn in norms) sn.Fold();
        norms.Clear();
    }

    /// <summary>
    /// Relative function norms of the units on <paramref name="batches"/> forward passes of <paramref name="forward"/>
    /// (batch number, gates: it must run the model's forward with those gates), in eval mode without gradients.
    /// </summary>
    public double[] MeasureFunctionNorms(Module model, int batches, Action<int, UnitGates> forward)
    {
        var measure = new FunctionNormObserver(Units);
        bool training = model.Training;
        model.Eval();
        try
        {
            using var noGrad = NoGrad.Scope();
            for (int b = 0; b < batches; b++)
            {
                using var scope = Device.Scope();
                forward(b, new UnitGates { Observer = measure });
                measure.Accumulate();
            }
        }
        finally { model.Train(training); }
        return measure.FunctionNorms();
    }

    /// <summary>
    /// SNIP's procedure: install spectral normalisation, fine-tune for <see cref="SnipOptions.Steps"/> steps with the
    /// identity prior (the context's Train calls the gates before and the extra loss after each step's forward), fold
    /// the normalisation into the weights, measure the function norms on the held-out batches, decide.
    /// </summary>
    /// <exception cref="ArgumentException">The context's model is not the one the unit index was built over.</exception>
    public void Run(UnitPruningContext context)
    {
        if (!ReferenceEquals(context.Model, Units.Model)) throw new ArgumentException("snip: the unit index was built over another model than the context's");
        if (Options.SpectralNormalization) InstallSpectralNorm(context.Prunable);
        try
        {
            long steps = Options.Steps ?? context.TrainSteps;
            if (steps > 0) context.Train(steps, Options.Seed ^ context.Seed, [], TrainingGates, _ => Penalty());
        }
        finally
        {
            Observer.Clear();
            FoldSpectralNorm();
        }
        functionNorms = context.ScoreBatches > 0
            ? MeasureFunctionNorms(context.Model, context.ScoreBatches, (b, g) => context.ScoreLoss(b, g))
            : MeasureFunctionNorms(context.Model, context.TrainBatches, (b, g) => context.TrainLoss(b, g));
        keep = Decide(functionNorms);
    }

    /// <summary>The keep mask the rule gives for <paramref name="norms"/>: the top K_s per budget segment, or norm &gt;= threshold.</summary>
    /// <exception cref="ArgumentException">The norms do not have one entry per unit.</exception>
    public bool[] Decide(double[] norms)
    {
        if (norms.Length != Units.Count) throw new ArgumentException($"snip: {norms.Length} function norms for {Units.Count} units");
        return Budget is null
            ? norms.Select(n => n >= Options.Threshold).ToArray()
            : UnitSelection.TopK(norms.Select(n => (float)n).ToArray(), Budget, Units);
    }

    /// <summary>The units that survive.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Run"/> has not run.</exception>
    public bool[] FinalKeep() => (bool[])(keep ?? throw new InvalidOperationException("snip: FinalKeep is decided by Run; run the procedure first")).Clone();

    /// <summary>All ones while training (SNIP gates nothing; its procedure trains the full model); the hard mask of <see cref="FinalKeep"/> once decided.</summary>
    public Tensor Mask(long step, bool training) =>
        Device.Tape.Own(Tensor.FromArray(Device, training || keep is null ? Enumerable.Repeat(1f, Units.Count).ToArray() : Units.MaskKeeping(keep), Units.Count));

    /// <summary>The function norms (after <see cref="Run"/>).</summary>
    /// <exception cref="InvalidOperationException"><see cref="Run"/> has not run.</exception>
    public float[] Scores() => FunctionNorms.Select(n => (float)n).ToArray();

    /// <summary>The keep mask once decided, else all ones.</summary>
    public float[] SnapshotMask(long step) => keep is null ? Enumerable.Repeat(1f, Units.Count).ToArray() : Units.MaskKeeping(keep);

    /// <summary>Removes any spectral normalisation still installed (without folding it) and drops observations.</summary>
    public void Dispose()
    {
        foreach (var sn in norms) sn.Remove();
        norms.Clear();
        Observer.Clear();
    }
}
