using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Model.Pruning.Methods;

/// <summary>Settings of <see cref="SmpPruner"/>. Defaults are ours unless marked as the reference's.</summary>
public sealed record SmpOptions
{
    /// <summary>
    /// Optimizer steps training the meta-pruner, one training batch of unlabelled text each (batches wrap). 0 = no
    /// training: the meta-pruner scores the units as it is, e.g. with weights trained on other text and loaded into
    /// <see cref="SmpPruner.MetaPruner"/> (the paper's use: one pruner trained once, applied to new tasks).
    /// </summary>
    public long Steps { get; init; } = 300;

    /// <summary>Adam's learning rate for the meta-pruner (the reference trains its pruner with SGD at 2e-2 for 6,000 steps).</summary>
    public float LearningRate { get; init; } = 1e-2f;

    /// <summary>Hidden units of the meta-pruner's MLP.</summary>
    public int HiddenUnits { get; init; } = 16;

    /// <summary>The temperature of the Gumbel-soft-top-K relaxation of the K-hot mask (the reference's Gumbel softmax runs at 1).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>The representation distance to preserve (default SMP's similarity-distribution KL).</summary>
    public RepresentationObjective Objective { get; init; } = RepresentationObjective.SimilarityKl;

    /// <summary>The similarity logits' scale of <see cref="RepresentationObjective.SimilarityKl"/> (the reference's 10).</summary>
    public float SimilarityScale { get; init; } = 10f;

    /// <summary>Training batches read to compute the units' features.</summary>
    public int FeatureBatches { get; init; } = 4;

    /// <summary>Random probes per feature batch estimating each unit's contribution (see <see cref="SmpPruner.Features"/>).</summary>
    public int Probes { get; init; } = 4;

    /// <summary>Seed of the meta-pruner's init, the Gumbel noise and the probes.</summary>
    public ulong Seed { get; init; }

    /// <summary>Throws unless the settings are usable.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Steps is negative, a count is below 1, or a rate, temperature or scale is not finite and positive.</exception>
    public void Validate()
    {
        if (Steps < 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "smp: the meta-pruner's training steps must be >= 0");
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "smp: the learning rate must be finite and > 0");
        if (HiddenUnits < 1) throw new ArgumentOutOfRangeException(nameof(HiddenUnits), HiddenUnits, "smp: the meta-pruner needs at least one hidden unit");
        if (!(Temperature > 0) || double.IsInfinity(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "smp: the temperature must be finite and > 0");
        if (!(SimilarityScale > 0) || float.IsInfinity(SimilarityScale)) throw new ArgumentOutOfRangeException(nameof(SimilarityScale), SimilarityScale, "smp: the similarity scale must be finite and > 0");
        if (FeatureBatches < 1) throw new ArgumentOutOfRangeException(nameof(FeatureBatches), FeatureBatches, "smp: at least one feature batch");
        if (Probes < 1) throw new ArgumentOutOfRangeException(nameof(Probes), Probes, "smp: at least one probe per feature batch");
    }
}

/// <summary>
/// Single-Shot Meta-Pruning (Zhang, Qi, Liu, Liu &amp; Sun, "Know what you don't need: Single-Shot Meta-Pruning
/// for attention heads", AI Open 2, 2021, doi:10.1016/j.aiopen.2021.05.003; reference code thunlp/SMP): a
/// learned pruner scores the heads of the pretrained model so that pruning keeps the distribution of its text
/// representations, and the model is pruned ONCE, before fine-tuning (stage <see cref="PruningStage.BeforeFineTuning"/>).
/// <para>What <see cref="Run"/> does, with the model frozen in evaluation mode throughout:</para>
/// <list type="number">
/// <item>per-unit features from unlabelled text (<see cref="Features"/>): how strongly each unit's output reaches
/// the final hidden states, its relative depth and its kind;</item>
/// <item>the meta-pruner (<see cref="SmpMetaPruner"/>, shared by all units) maps the features to logits; each
/// step draws a relaxed K-hot mask from them (Gumbel-soft-top-K per budget segment, exactly K in expectation
/// of mass, as DSP's) and trains the meta-pruner to minimise the distance between the full and the masked
/// model's representations of a batch of training text, labels unused (<see cref="RepresentationObjective"/>);</item>
/// <item>the final logits rank the units and the budget's top-K survive; the run then fine-tunes the pruned model.</item>
/// </list>
/// Where we depart from the reference, and why: (1) its pruner is a CNN over each head's attention map; our
/// fused attention kernel never materialises attention maps, so the features are gate-Jacobian statistics of each
/// unit (which exist for neurons and blocks too); (2) its "meta" training runs over seven GLUE data sets so that one
/// pruner serves new tasks; here it trains on the task's own unlabelled text (the pruner's weights are a module,
/// <see cref="MetaPruner"/>, so one trained elsewhere can be loaded and used with <see cref="ScoreWith"/>);
/// (3) its masks are hard Gumbel-softmax samples (straight-through) of half the heads of half the layers per step;
/// ours are the soft top-K relaxation under the run's exact budget. The objective follows the reference; see
/// <see cref="RepresentationDistance.SimilarityKl"/> for its details.
/// </summary>
public sealed class SmpPruner : IUnitPruningProcedure
{
    /// <summary>Features per unit: z-scored log contribution, relative depth, one-hot kind (4).</summary>
    public const int FeatureCount = 6;

    readonly Device device;
    readonly ulong noiseSeed, probeSeed;
    float[] scores;
    bool[]? keep;
    readonly List<double> losses = [];

    /// <summary>SMP over <paramref name="units"/> keeping <paramref name="budget"/>.Total units.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="budget"/> is null.</exception>
    /// <exception cref="ArgumentException">The budget does not fit the units.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public SmpPruner(Device device, UnitIndex units, UnitBudget budget, SmpOptions? options = null)
    {
        Budget = budget ?? throw new ArgumentNullException(nameof(budget), "smp needs a unit budget K");
        budget.Validate(units);
        Options = options ?? new SmpOptions();
        Options.Validate();
        this.device = device;
        Units = units;
        var root = new Rng(Options.Seed);
        MetaPruner = new SmpMetaPruner(device, FeatureCount, Options.HiddenUnits, root.Fork(0));
        noiseSeed = root.Fork(1).Seed;
        probeSeed = root.Fork(2).Seed;
        scores = new float[units.Count];
    }

    /// <summary>The settings.</summary>
    public SmpOptions Options { get; }
    /// <summary>"smp".</summary>
    public string Method => "smp";
    /// <summary>The units scored.</summary>
    public UnitIndex Units { get; }
    /// <summary>The units to keep.</summary>
    public UnitBudget Budget { get; }
    UnitBudget? IUnitPruner.Budget => Budget;
    /// <summary>Null: the meta-pruner is trained inside <see cref="Run"/>, never by the run's optimizer.</summary>
    public ParameterGroup? ParameterGroup => null;
    /// <summary><see cref="PruningStage.BeforeFineTuning"/>.</summary>
    public PruningStage Stage => PruningStage.BeforeFineTuning;

    /// <summary>The meta-pruner network.</summary>
    public SmpMetaPruner MetaPruner { get; }

    /// <summary>The representation loss of each meta-pruner step of the last <see cref="Run"/>.</summary>
    public IReadOnlyList<double> Losses => losses;

    /// <summary>True once the units are ranked.</summary>
    public bool HasRun => keep is not null;

    /// <summary>Trains the meta-pruner on the context's unlabelled text and ranks the units once (see the class summary).</summary>
    /// <exception cref="ArgumentException">The context's model is not the one the index was built over.</exception>
    /// <exception cref="ExpectedFailureException">The objective is <see cref="RepresentationObjective.SimilarityKl"/> and a batch holds fewer than 3 texts.</exception>
    public void Run(UnitPruningContext context)
    {
        if (!ReferenceEquals(Units.Model, context.Model)) throw new ArgumentException("smp: the unit index was built over another model than the context's");
        using var freeze = context.Model.Freeze(evaluationMode: true);
        var features = Features(context);
        using var featureTensor = Tensor.FromArray(device, features, Units.Count, FeatureCount);
        using var optimizer = new Adam([new ParameterGroup(MetaPruner.Parameters(), Options.LearningRate, name: "smp_meta_pruner")]);
        losses.Clear();
        for (long step = 1; step <= Options.Steps; step++)
        {
            using var scope = device.Scope();
            int batch = (int)((step - 1) % context.TrainBatches);
            Tensor full;
            Tensor? fullMask;
            using (NoGrad.Scope())
            {
                (full, fullMask) = context.Hidden(batch, UnitGates.None);
                if (Options.Objective == RepresentationObjective.SimilarityKl && full.Shape[0] < 3)
                    throw new ExpectedFailureException($"smp: the similarity-distribution objective compares each text with the others of its batch, so it needs batches of at least 3 texts, got {full.Shape[0]}; raise the batch size or use the hidden-state MSE objective");
                if (Options.Objective == RepresentationObjective.SimilarityKl)
                    full = RepresentationDistance.TargetLogProbabilities(full, fullMask, Options.SimilarityScale);
            }
            var noise = Noise.Gumbel(device, Units.Count, noiseSeed, checked((ulong)step * (ulong)Units.Count));
            var gate = Relaxed(MetaPruner.Forward(featureTensor), noise);
            var (pruned, keyMask) = context.Hidden(batch, UnitGates.Split(Units, gate));
            var loss = Options.Objective == RepresentationObjective.SimilarityKl
                ? RepresentationDistance.SimilarityKl(full, pruned, keyMask, Options.SimilarityScale)
                : RepresentationDistance.HiddenMse(full, pruned, keyMask);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            losses.Add(loss.Item());
        }
        scores = ScoreWith(features);
        keep = UnitSelection.TopK(scores, Budget, Units);
    }

    /// <summary>The meta-pruner's logits [Units.Count] for unit features [Units.Count * FeatureCount] (row-major), without gradient.</summary>
    /// <exception cref="ArgumentException">The features do not have FeatureCount entries per unit.</exception>
    public float[] ScoreWith(float[] features)
    {
        if (features.Length != Units.Count * FeatureCount) throw new ArgumentException($"smp: {features.Length} feature values for {Units.Count} units x {FeatureCount}");
        using var noGrad = NoGrad.Scope();
        using var scope = device.Scope();
        var x = device.Tape.Own(Tensor.FromArray(device, features, Units.Count, FeatureCount));
        return MetaPruner.Forward(x).ToArray();
    }

    /// <summary>
    /// The units' features [Units.Count * FeatureCount], row-major, from the first FeatureBatches training batches
    /// of unlabelled text (the model is frozen in evaluation mode while they are computed):
    /// <list type="bullet">
    /// <item>0: log c_u, z-scored within the unit's kind, where c_u = E||dH/dg_u||^2 per token is how strongly the
    /// unit's output (scaled by its gate g_u at 1) moves the final hidden states H over non-padding tokens,
    /// estimated with Rademacher probes r as E_r[(d(r . H)/dg_u)^2] (Hutchinson's estimator: one backward pass
    /// per probe gives every unit's entry). A head whose values are zero has c_u = 0 exactly;</item>
    /// <item>1: the unit's layer / (layers - 1) (0 for a one-layer model);</item>
    /// <item>2-5: one-hot kind (head, neuron, attention block, FFN block).</item>
    /// </list>
    /// </summary>
    public float[] Features(UnitPruningContext context)
    {
        int n = Units.Count;
        var contribution = new double[n];
        double tokens = 0;
        var rng = new Rng(probeSeed);
        using var freeze = context.Model.Freeze(evaluationMode: true);
        using var gate = Tensor.Full(device, 1f, n);
        gate.RequiresGrad = true;
        for (int i = 0; i < Options.FeatureBatches; i++)
            for (int p = 0; p < Options.Probes; p++)
            {
                using var scope = device.Scope();
                var (hidden, keyMask) = context.Hidden(i % context.TrainBatches, UnitGates.Split(Units, gate));
                int b = hidden.Shape[0], t = hidden.Shape[1], d = hidden.Shape[2];
                var m = keyMask?.ToArray() ?? Enumerable.Repeat(1f, b * t).ToArray();
                var probe = new float[b * t * d];
                for (int j = 0; j < probe.Length; j++) probe[j] = m[j / d] == 0f ? 0f : rng.NextUniform() < 0.5f ? -1f : 1f;
                var y = Ops.Sum(Ops.Mul(hidden, device.Tape.Own(Tensor.FromArray(device, probe, b, t, d))));
                gate.ZeroGrad();
                y.Backward();
                var g = gate.Grad!.ToArray();
                for (int u = 0; u < n; u++) contribution[u] += (double)g[u] * g[u];
                if (p == 0) tokens += m.Sum();
            }
        var logC = contribution.Select(c => Math.Log(c / (Options.Probes * Math.Max(tokens, 1)) + 1e-12)).ToArray();
        int lastLayer = Math.Max(1, Units.Groups.Max(g => g.Layer));
        var features = new float[n * FeatureCount];
        foreach (var kind in Units.Kinds.Kinds())
        {
            var (offset, count) = Units.Range(kind);
            if (count == 0) continue;
            double mean = 0, var = 0;
            for (int u = offset; u < offset + count; u++) mean += logC[u];
            mean /= count;
            for (int u = offset; u < offset + count; u++) var += (logC[u] - mean) * (logC[u] - mean);
            double std = Math.Sqrt(var / count);
            for (int u = offset; u < offset + count; u++)
            {
                var row = features.AsSpan(u * FeatureCount, FeatureCount);
                row[0] = std > 1e-9 ? (float)((logC[u] - mean) / std) : 0f;
                row[1] = Math.Max(0, Units.Locate(u).Group.Layer) / (float)lastLayer;
                row[2 + (int)kind] = 1f;
            }
        }
        return features;
    }

    /// <summary>
    /// The relaxed K-hot mask [Units.Count] of logits <paramref name="logits"/>: per budget segment the
    /// Gumbel-soft-top-K at the options' temperature (a segment keeping none is 0, one keeping all is 1); units
    /// outside every segment are 1.
    /// </summary>
    Tensor Relaxed(Tensor logits, Tensor noise)
    {
        var parts = new List<Tensor>();
        int at = 0;
        Tensor Ones(int count) => device.Tape.Own(Tensor.Full(device, 1f, count));
        foreach (var s in Budget.Segments.OrderBy(s => s.Offset))
        {
            if (s.Offset > at) parts.Add(Ones(s.Offset - at));
            if (s.Count == 0) continue;
            var w = Ops.Slice(logits, 0, s.Offset, s.Count);
            parts.Add(s.K == 0 ? device.Tape.Own(Tensor.Zeros(device, s.Count))
                    : s.K == s.Count ? Ones(s.Count)
                    : Ops.SoftTopK(w, Ops.Slice(noise, 0, s.Offset, s.Count), s.K, Options.Temperature));
            at = s.Offset + s.Count;
        }
        if (at < Units.Count) parts.Add(Ones(Units.Count - at));
        return parts.Count == 1 ? parts[0] : Ops.Concat(0, parts.ToArray());
    }

    /// <summary>The 0/1 gate of <see cref="FinalKeep"/> (all ones before <see cref="Run"/>), tape-owned.</summary>
    public Tensor Mask(long step, bool training) => device.Tape.Own(Tensor.FromArray(device, SnapshotMask(step), Units.Count));

    /// <summary>Null: no penalty.</summary>
    public Tensor? Penalty() => null;

    /// <summary>The top-K units by the meta-pruner's logits, exactly Budget.Total.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Run"/> has not run.</exception>
    public bool[] FinalKeep() => (bool[])(keep ?? throw new InvalidOperationException("smp: run the procedure (train the meta-pruner) before asking which units survive")).Clone();

    /// <summary>The meta-pruner's logits of the last <see cref="Run"/> (0 before).</summary>
    public float[] Scores() => (float[])scores.Clone();

    /// <summary>The keep mask as 0/1 (all ones before <see cref="Run"/>).</summary>
    public float[] SnapshotMask(long step) => keep is null ? Enumerable.Repeat(1f, Units.Count).ToArray() : Units.MaskKeeping(keep);

    /// <summary>Frees the meta-pruner's parameters.</summary>
    public void Dispose() => MetaPruner.Dispose();
}
