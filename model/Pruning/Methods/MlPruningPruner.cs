using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Model.Pruning.Methods;

/// <summary>Settings of <see cref="MlPruningPruner"/>; the defaults are the released MLPruning code's (yaozhewei/MLPruning, training/README.md).</summary>
public sealed record MlPruningOptions
{
    /// <summary>Constant learning rate of the scores and thresholds (<c>--mask_scores_learning_rate 1e-2</c>).</summary>
    public float LearningRate { get; init; } = 1e-2f;

    /// <summary>Every threshold's start, T = 10: sigma(10) keeps all units, so pruning starts dense (the code's <c>zeros(1) + 10.0</c>).</summary>
    public float InitialThreshold { get; init; } = 10f;

    /// <summary>Every score's start (<c>--mask_init constant --mask_scale 0.</c>).</summary>
    public float InitialScore { get; init; }

    /// <summary>lambda_final of the adaptive coefficient (<c>--final_lambda 20000</c> for head/row pruning).</summary>
    public double FinalLambda { get; init; } = 20000;

    /// <summary>The coefficient's floor while the kept fraction is still above target (the code's 50).</summary>
    public double MinLambda { get; init; } = 50;

    /// <summary>The coefficient once the regulariser is below <see cref="NearRegularizer"/> (the code's 10).</summary>
    public double NearLambda { get; init; } = 10;

    /// <summary>The regulariser value below which the target counts as reached (the code's 0.0003).</summary>
    public double NearRegularizer { get; init; } = 3e-4;

    /// <summary>
    /// 0 (the default, the paper): the regulariser's target is the final kept fraction from step 1. Above 0: the target
    /// follows movement pruning's cubic schedule r_t = r + (1 - r)(1 - t / W)^3 from dense to r over W steps (Sanh et
    /// al. 2020), which MLPruning's learned threshold replaced; offered for comparison.
    /// </summary>
    public long CubicWarmupSteps { get; init; }
}

/// <summary>
/// MLPruning's head and row pruning (Yao, Ma, Shen, Keutzer and Mahoney 2021, "MLPruning: A Multilevel Structured
/// Pruning Framework for Transformer-based Models", arXiv:2105.14636, and its released code yaozhewei/MLPruning,
/// training/emmental): every unit has a learnable importance score S, every module (an attention module's heads, an
/// FFN's neurons = the rows of fc1) a learnable threshold T. The forward pass keeps the top ceil(sigmoid(T_g) n_g) units
/// of module g by score as a hard 0/1 mask (the code's TopKBinarizer); the backward pass copies dL/dmask onto the
/// scores (straight-through, as movement pruning's TopK) and gives each threshold sum_i dL/dmask_i mask_i (the code's
/// gradient, taken on T itself). The kept fraction is therefore learned per module; what drives it to the budget is
/// the regulariser R = sum over budget segments s of max(0, P_s - r_s)^2, with P_s = sum_g sigmoid(T_g) n_g / n_s the
/// kept fraction of segment s that the thresholds imply (differentiable in T) and r_s = K_s / n_s its target, times the
/// paper's <b>adaptive</b> coefficient lambda = max(lambda_final R / R_0, lambda_min), or lambda_near once R &lt; 3e-4,
/// where R_0 = sum_s (1 - r_s)^2 is R at the dense start: the pull is strongest far from the target and weakens as the
/// target is approached (the code's <c>regu_lambda</c>; the coefficient is a constant of the step, not differentiated).
/// Stage: <see cref="PruningStage.Joint"/> (scores, thresholds and model train together on the task loss + penalty).
/// <para>
/// Choices where the paper or code leave a detail open, or where this model differs: (1) the unit gates multiply each
/// head's attention output and each neuron's activation (<see cref="UnitGates"/>) rather than masking rows of
/// q/k/v and fc1 with their biases; the forward values agree (a masked row gives a zero output), the score gradients
/// differ by the activation's slope. (2) The paper's target is one global fraction of parameters; here it is one per
/// budget segment, in units (within a kind every unit costs the same, so a per-kind budget, including one made from a
/// parameter or FLOP budget, is exactly a parameter fraction per kind). (3) The paper reaches its target only
/// approximately; our <see cref="FinalKeep"/> must keep exactly K_s units per segment, so K_s is apportioned over the
/// segment's modules in proportion to the learned sigmoid(T_g) n_g (largest remainders), then each module keeps its
/// top-scored units. (4) Not implemented: the paper's third level, block-wise sparsity inside the kept matrices (a
/// second run with 16x16 block scores; our engine has no block-sparse kernel, so it would not run faster), the
/// row pruning of out_proj and fc2 outputs (not a unit kind here), and the knowledge distillation from the unpruned
/// model that the paper adds to the loss.
/// </para>
/// </summary>
public sealed class MlPruningPruner : Module, IUnitPruner
{
    readonly int[] segmentOf; // budget segment of each group, -1 outside every segment
    long lastStep;

    /// <summary>MLPruning over heads and/or FFN neurons of <paramref name="units"/> keeping <paramref name="budget"/>.</summary>
    /// <exception cref="ArgumentNullException">No budget.</exception>
    /// <exception cref="ArgumentException">The index holds blocks, the budget does not fit it, or a segment splits a module.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public MlPruningPruner(Device device, UnitIndex units, UnitBudget budget, MlPruningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(budget, nameof(budget));
        Options = options ?? new MlPruningOptions();
        if ((units.Kinds & ~(UnitKinds.Heads | UnitKinds.Neurons)) != 0)
            throw new ArgumentException($"mlpruning: prunes heads and FFN neurons (rows), not blocks; got {units}");
        if (!(Options.LearningRate > 0) || !float.IsFinite(Options.LearningRate))
            throw new ArgumentOutOfRangeException(nameof(options), Options.LearningRate, "mlpruning: the learning rate must be finite and > 0");
        if (!(Options.FinalLambda >= 0) || !(Options.MinLambda >= 0) || !(Options.NearLambda >= 0) || Options.CubicWarmupSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(options), "mlpruning: lambdas must be >= 0 and the warm-up steps >= 0");
        budget.Validate(units);
        Units = units;
        Budget = budget;
        Device = device;
        segmentOf = new int[units.Groups.Count];
        for (int g = 0; g < segmentOf.Length; g++)
        {
            var grp = units.Groups[g];
            segmentOf[g] = -1;
            for (int s = 0; s < budget.Segments.Count; s++)
            {
                var seg = budget.Segments[s];
                bool inside = grp.Offset >= seg.Offset && grp.Offset + grp.Count <= seg.Offset + seg.Count;
                bool overlaps = grp.Offset < seg.Offset + seg.Count && seg.Offset < grp.Offset + grp.Count;
                if (inside) segmentOf[g] = s;
                else if (overlaps) throw new ArgumentException($"mlpruning: budget segment [{seg.Offset}, {seg.Offset + seg.Count}) splits {grp}; each module's threshold needs the whole module in one segment");
            }
        }
        ScoresParameter = RegisterParameter("scores", new Parameter(device, new Shape(units.Count)));
        Thresholds = RegisterParameter("thresholds", new Parameter(device, new Shape(units.Groups.Count)));
        Init.Constant(ScoresParameter, Options.InitialScore);
        Init.Constant(Thresholds, Options.InitialThreshold);
        ParameterGroup = new ParameterGroup([ScoresParameter, Thresholds], Options.LearningRate, weightDecay: 0f, constantLearningRate: true, name: "mlpruning_scores");
    }

    /// <summary>"mlpruning".</summary>
    public string Method => "mlpruning";
    /// <summary>Joint: learned while the model fine-tunes on the task.</summary>
    public PruningStage Stage => PruningStage.Joint;
    /// <summary>The settings.</summary>
    public MlPruningOptions Options { get; }
    /// <summary>The units (heads and/or neurons).</summary>
    public UnitIndex Units { get; }
    /// <summary>The exact counts kept at the end.</summary>
    public UnitBudget Budget { get; }
    UnitBudget? IUnitPruner.Budget => Budget;
    /// <summary>The device holding scores and thresholds.</summary>
    public Device Device { get; }
    /// <summary>The importance scores S, one per unit ("scores").</summary>
    public Parameter ScoresParameter { get; }
    /// <summary>The thresholds T, one per module (group of <see cref="Units"/>), "thresholds"; sigmoid(T_g) is module g's kept fraction.</summary>
    public Parameter Thresholds { get; }
    /// <summary>Scores and thresholds at the constant rate of <see cref="MlPruningOptions.LearningRate"/>.</summary>
    public ParameterGroup ParameterGroup { get; }
    ParameterGroup? IUnitPruner.ParameterGroup => ParameterGroup;

    /// <summary>sigmoid(T_g): each module's kept fraction now, [groups].</summary>
    public double[] KeptFractions() => Thresholds.ToArray().Select(t => 1 / (1 + Math.Exp(-(double)t))).ToArray();

    /// <summary>Units module g keeps in the training forward: ceil(sigmoid(T_g) n_g) (all of a module outside the budget).</summary>
    public int[] TrainingCounts()
    {
        var r = KeptFractions();
        return Units.Groups.Select((g, i) => segmentOf[i] < 0 ? g.Count : Math.Clamp((int)Math.Ceiling(r[i] * g.Count - 1e-9), 0, g.Count)).ToArray();
    }

    /// <summary>
    /// Training: per module, the hard top-ceil(sigmoid(T_g) n_g) mask of its scores, straight-through into the scores
    /// and sum(dL/dmask * mask) into T_g. Otherwise the 0/1 mask of <see cref="FinalKeep"/>. Tape-owned, [Units.Count].
    /// </summary>
    public Tensor Mask(long step, bool training)
    {
        lastStep = step;
        if (!training) return Device.Tape.Own(Tensor.FromArray(Device, Units.MaskKeeping(FinalKeep()), Units.Count));
        var counts = TrainingCounts();
        var parts = new Tensor[Units.Groups.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            var g = Units.Groups[i];
            var s = Ops.Slice(ScoresParameter, 0, g.Offset, g.Count);
            if (segmentOf[i] < 0) { parts[i] = Ops.AddScalar(Ops.Scale(s, 0f), 1f); continue; }
            if (counts[i] == 0) { parts[i] = Ops.Scale(s, 0f); continue; }
            var m = Ops.SteTopK(s, counts[i]);
            // T - T is 0 with gradient 1: adding mask * (T - T) leaves the mask's value exactly as it is and gives
            // T_g the code's gradient sum_i dL/dmask_i mask_i.
            var t = Ops.Slice(Thresholds, 0, i, 1);
            parts[i] = Ops.Add(m, Ops.Mul(m.Detach(), Ops.Sub(t, t.Detach())));
        }
        return parts.Length == 1 ? parts[0] : Ops.Concat(0, parts);
    }

    /// <summary>The target kept fraction of segment s at the current step (the final K_s / n_s unless the cubic warm-up is on).</summary>
    public double Target(int segment, long step)
    {
        var seg = Budget.Segments[segment];
        double r = seg.Count == 0 ? 1 : (double)seg.K / seg.Count;
        if (Options.CubicWarmupSteps <= 0 || step >= Options.CubicWarmupSteps) return r;
        double left = 1 - Math.Max(step, 0) / (double)Options.CubicWarmupSteps;
        return r + (1 - r) * left * left * left;
    }

    /// <summary>The regulariser R (host value) and the adaptive coefficient lambda at the last masked step.</summary>
    public (double Regularizer, double Lambda) Regularization()
    {
        var r = KeptFractions();
        double reg = 0, dense = 0;
        for (int s = 0; s < Budget.Segments.Count; s++)
        {
            double gap = KeptFraction(s, r) - Target(s, lastStep);
            if (gap > 0) reg += gap * gap;
            double full = 1 - Target(s, long.MaxValue);
            dense += full * full;
        }
        double lambda = reg < Options.NearRegularizer ? Options.NearLambda : Math.Max(Options.FinalLambda * reg / Math.Max(dense, 1e-12), Options.MinLambda);
        return (reg, lambda);
    }

    double KeptFraction(int segment, double[] r)
    {
        var seg = Budget.Segments[segment];
        double kept = 0;
        for (int g = 0; g < r.Length; g++)
            if (segmentOf[g] == segment) kept += r[g] * Units.Groups[g].Count;
        return seg.Count == 0 ? 1 : kept / seg.Count;
    }

    /// <summary>lambda R on the tape (differentiable in the thresholds through sigmoid), or null while no segment is above its target.</summary>
    public Tensor? Penalty()
    {
        var r = KeptFractions();
        var (reg, lambda) = Regularization();
        if (reg == 0 || lambda == 0) return null;
        var sig = Ops.Sigmoid(Thresholds);
        Tensor? total = null;
        for (int s = 0; s < Budget.Segments.Count; s++)
        {
            double target = Target(s, lastStep);
            if (!(KeptFraction(s, r) > target)) continue; // the hinge: no pull below the target
            var weights = new float[Units.Groups.Count];
            for (int g = 0; g < weights.Length; g++)
                if (segmentOf[g] == s) weights[g] = (float)((double)Units.Groups[g].Count / Budget.Segments[s].Count);
            var w = Device.Tape.Own(Tensor.FromArray(Device, weights, weights.Length));
            var gap = Ops.AddScalar(Ops.Sum(Ops.Mul(sig, w)), (float)-target);
            var sq = Ops.Mul(gap, gap);
            total = total is null ? sq : Ops.Add(total, sq);
        }
        return total is null ? null : Ops.Scale(total, (float)lambda);
    }

    /// <summary>
    /// Exactly K_s units per budget segment: K_s apportioned over the segment's modules in proportion to sigmoid(T_g) n_g
    /// (largest remainders, at most n_g each), then each module's top-scored units (ties to the lower id). Units outside
    /// every segment are kept.
    /// </summary>
    public bool[] FinalKeep()
    {
        var scores = Scores();
        var r = KeptFractions();
        var keep = Enumerable.Repeat(true, Units.Count).ToArray();
        for (int s = 0; s < Budget.Segments.Count; s++)
        {
            var groups = Enumerable.Range(0, segmentOf.Length).Where(g => segmentOf[g] == s).ToArray();
            var counts = Apportion(Budget.Segments[s].K, groups.Select(g => r[g] * Units.Groups[g].Count).ToArray(), groups.Select(g => Units.Groups[g].Count).ToArray());
            for (int j = 0; j < groups.Length; j++)
            {
                var g = Units.Groups[groups[j]];
                for (int u = g.Offset; u < g.Offset + g.Count; u++) keep[u] = false;
                foreach (int u in HeadSelection.Ranked(scores, g.Offset, g.Count).Take(counts[j])) keep[u] = true;
            }
        }
        return keep;
    }

    /// <summary>Splits <paramref name="k"/> over modules in proportion to <paramref name="weights"/>, at most <paramref name="capacity"/> each (largest remainders; ties to the earlier module); sums to k when the capacities allow.</summary>
    public static int[] Apportion(int k, double[] weights, int[] capacity)
    {
        var counts = new int[weights.Length];
        if (weights.Length == 0) return counts;
        double total = weights.Sum();
        var w = total > 0 ? weights : capacity.Select(c => (double)c).ToArray();
        total = w.Sum();
        var quota = w.Select(x => total > 0 ? k * x / total : 0).ToArray();
        for (int i = 0; i < counts.Length; i++) counts[i] = Math.Min(capacity[i], (int)Math.Floor(quota[i]));
        int left = k - counts.Sum();
        while (left > 0)
        {
            int best = -1;
            for (int i = 0; i < counts.Length; i++)
                if (counts[i] < capacity[i] && (best < 0 || quota[i] - counts[i] > quota[best] - counts[best])) best = i;
            if (best < 0) break;
            counts[best]++;
            left--;
        }
        return counts;
    }

    /// <summary>The scores S, [Units.Count] (they rank units within a module).</summary>
    public float[] Scores() => ScoresParameter.ToArray();

    /// <summary>The training forward's hard mask at the current thresholds, [Units.Count].</summary>
    public float[] SnapshotMask(long step)
    {
        var scores = Scores();
        var counts = TrainingCounts();
        var mask = new float[Units.Count];
        for (int i = 0; i < counts.Length; i++)
        {
            var g = Units.Groups[i];
            foreach (int u in HeadSelection.Ranked(scores, g.Offset, g.Count).Take(counts[i])) mask[u] = 1f;
        }
        return mask;
    }
}
