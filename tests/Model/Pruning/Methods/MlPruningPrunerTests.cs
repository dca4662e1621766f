using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Methods;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Transformer;
using static NativeDsp.Tests.Model.ModelTestKit;

namespace NativeDsp.Tests.Model.Pruning.Methods;

/// <summary>MLPruning's learnable top-k thresholds, its adaptive regulariser, the exact final budget, and the planted task.</summary>
public class MlPruningPrunerTests
{
    static (NliClassifier Model, UnitIndex Units) Tiny(Device device)
    {
        var model = new NliClassifier(device, new NliClassifierConfig { Layers = 2, DModel = 8, Heads = 2, Ffn = 6, Vocab = 10, MaxPositions = 8, Dropout = 0f, Seed = 3 });
        return (model, UnitIndex.Build(model, UnitKinds.Heads | UnitKinds.Neurons));
    }

    [Fact]
    public void TrainingMaskIsPerModuleTopKWithTheCodesGradients()
    {
        using var device = HostDevice();
        var (model, units) = Tiny(device);
        using var _ = model;
        using var pruner = new MlPruningPruner(device, units, UnitBudget.PerKind(units, (UnitKind.Head, 2), (UnitKind.Neuron, 6)));
        // Groups: 2 attention modules (2 heads each), 2 FFNs (6 neurons each). Thresholds: keep 1 of 2 heads, 4 of 6 neurons.
        pruner.Thresholds.CopyFrom(new[] { 0f, 10f, (float)Math.Log(0.6 / 0.4), -10f });
        var scores = RandomFloats(units.Count, 5);
        pruner.ScoresParameter.CopyFrom(scores);
        Assert.Equal(new[] { 1, 2, 4, 1 }, pruner.TrainingCounts()); // ceil(0.5*2), ceil(~1*2), ceil(0.6*6), ceil(4.5e-5*6)

        var r = RandomFloats(units.Count, 6);
        float[] mask;
        using (device.Scope())
        {
            var m = pruner.Mask(1, training: true);
            mask = m.ToArray();
            using var rT = Tensor.FromArray(device, r, units.Count);
            Ops.Sum(Ops.Mul(m, rT)).Backward();
        }
        // The mask: exactly the top counts[g] scores of each module.
        var counts = pruner.TrainingCounts();
        for (int g = 0; g < units.Groups.Count; g++)
        {
            var grp = units.Groups[g];
            var top = Enumerable.Range(grp.Offset, grp.Count).OrderByDescending(u => scores[u]).Take(counts[g]).ToHashSet();
            for (int u = grp.Offset; u < grp.Offset + grp.Count; u++) Assert.Equal(top.Contains(u) ? 1f : 0f, mask[u]);
        }
        // Straight-through: dL/dS = dL/dmask = r; dL/dT_g = sum over g's units of r_i mask_i (the code's TopKBinarizer.backward).
        AssertClose(r, pruner.ScoresParameter.Grad!.ToArray(), 0, "score gradient");
        var tGrad = units.Groups.Select(g => Enumerable.Range(g.Offset, g.Count).Sum(u => r[u] * mask[u])).ToArray();
        AssertClose(tGrad, pruner.Thresholds.Grad!.ToArray(), 1e-6, "threshold gradient");
    }

    [Fact]
    public void AdaptiveRegulariserFollowsTheCode()
    {
        using var device = HostDevice();
        var (model, units) = Tiny(device);
        using var _ = model;
        using var pruner = new MlPruningPruner(device, units, UnitBudget.PerKind(units, (UnitKind.Head, 2), (UnitKind.Neuron, 6)));
        // Dense start (T = 10): R = sum_s (P_s - r_s)^2 ~ (1 - 0.5)^2 * 2 = R_0, so lambda ~ lambda_final.
        var (reg, lambda) = pruner.Regularization();
        Assert.InRange(reg, 0.49, 0.5);
        Assert.InRange(lambda, 0.99 * 20000, 20000);
        using (device.Scope())
        {
            var p = pruner.Penalty()!;
            Assert.Equal(lambda * reg, p.Item(), 0.001 * lambda * reg);
            p.Backward();
            // dP/dT_g = lambda * 2 gap_s * sigma'(T_g) * n_g / n_s, positive: the pull lowers every threshold.
            var grad = pruner.Thresholds.Grad!.ToArray();
            double s10 = 1 / (1 + Math.Exp(-10.0)), d10 = s10 * (1 - s10);
            foreach (var (g, i) in units.Groups.Select((g, i) => (g, i)))
                Assert.Equal(lambda * 2 * (s10 - 0.5) * d10 * 0.5, grad[i], 1e-3 * lambda * d10);
        }
        // Just above target: R below 3e-4 gives lambda 10; at or below target there is no penalty (the hinge).
        pruner.Thresholds.CopyFrom(new[] { 0.01f, 0.01f, 0.01f, 0.01f });
        var near = pruner.Regularization();
        Assert.True(near.Regularizer is > 0 and < 3e-4);
        Assert.Equal(10, near.Lambda);
        pruner.Thresholds.CopyFrom(new[] { -1f, -1f, -1f, -1f });
        Assert.Equal(0, pruner.Regularization().Regularizer);
        using (device.Scope()) Assert.Null(pruner.Penalty());
        // Halfway: lambda = max(lambda_final R / R_0, 50).
        pruner.Thresholds.CopyFrom(new[] { 1f, 1f, 1f, 1f });
        var mid = pruner.Regularization();
        double gap = 1 / (1 + Math.Exp(-1.0)) - 0.5;
        Assert.Equal(2 * gap * gap, mid.Regularizer, 1e-9);
        Assert.Equal(Math.Max(20000 * mid.Regularizer / 0.5, 50), mid.Lambda, 1e-6);
    }

    [Fact]
    public void CubicWarmupMovesTheTargetFromDenseToTheBudget()
    {
        using var device = HostDevice();
        var (model, units) = Tiny(device);
        using var _ = model;
        using var pruner = new MlPruningPruner(device, units, UnitBudget.PerKind(units, (UnitKind.Head, 1), (UnitKind.Neuron, 3)), new MlPruningOptions { CubicWarmupSteps = 100 });
        Assert.Equal(1.0, pruner.Target(0, 0), 12);
        Assert.Equal(0.25 + 0.75 * 0.125, pruner.Target(0, 50), 12);
        Assert.Equal(0.25, pruner.Target(0, 100), 12);
        Assert.Equal(0.25, pruner.Target(0, 1000), 12);
    }

    [Fact]
    public void FinalKeepMeetsTheBudgetExactlyFollowingTheLearnedFractions()
    {
        Assert.Equal(new[] { 3, 1 }, MlPruningPruner.Apportion(4, [0.9 * 4, 0.2 * 4], [4, 4]));
        Assert.Equal(new[] { 4, 2 }, MlPruningPruner.Apportion(6, [10, 1], [4, 4])); // capped, the rest goes elsewhere
        Assert.Equal(new[] { 1, 1, 0 }, MlPruningPruner.Apportion(2, [1, 1, 1], [2, 2, 2])); // ties to the earlier module

        using var device = HostDevice();
        var (model, units) = Tiny(device);
        using var _ = model;
        using var pruner = new MlPruningPruner(device, units, UnitBudget.PerKind(units, (UnitKind.Head, 3), (UnitKind.Neuron, 5)));
        pruner.Thresholds.CopyFrom(new[] { 3f, -3f, 3f, -1f });
        pruner.ScoresParameter.CopyFrom(RandomFloats(units.Count, 9));
        var keep = pruner.FinalKeep();
        Assert.Equal(3, keep.Take(4).Count(k => k));
        Assert.Equal(5, keep.Skip(4).Count(k => k));
        // Heads: module 0 (sigmoid 0.95) keeps both, module 1 one; neurons: 0.95*6 vs 0.27*6 -> 4 and 1.
        Assert.Equal(2, keep.Take(2).Count(k => k));
        Assert.Equal(4, keep.Skip(4).Take(6).Count(k => k));
        Assert.Throws<ArgumentException>(() => new MlPruningPruner(device, UnitIndex.Build(model, UnitKinds.Blocks), UnitBudget.Global(UnitIndex.Build(model, UnitKinds.Blocks), 2)));
    }

    public static TheoryData<string> Budgets => new() { "per kind", "per module" };

    /// <summary>
    /// One vital head per attention module and two vital neurons per FFN (their outputs scaled up so the labels depend
    /// on them), every other unit dead; the budget keeps exactly the vital count. MLPruning must keep exactly the vital
    /// units: dead units get no gradient (their scores stay at 0), a masked vital unit's score rises. Per kind, the
    /// budget is also split over the modules by the learned thresholds.
    /// </summary>
    [Theory, MemberData(nameof(Budgets))]
    public void PlantedTaskKeepsTheVitalHeadsAndNeurons(string budgetKind)
    {
        using var device = HostDevice();
        using var task = new PlantedTask(device, seed: 12);
        var vitalHeads = new[] { (0, 2), (1, 1) };
        var vitalNeurons = new[] { (0, 3), (0, 6), (1, 0), (1, 5) };
        for (int l = 0; l < 2; l++)
        {
            for (int h = 0; h < 4; h++)
                if (vitalHeads.Contains((l, h))) task.AmplifyHead(l, h, 5f); else task.KillHead(l, h);
            for (int n = 0; n < 8; n++)
                if (vitalNeurons.Contains((l, n))) task.AmplifyNeuron(l, n, 5f); else task.KillNeuron(l, n);
        }
        task.LabelFromModel();
        var units = UnitIndex.Build(task.Model, UnitKinds.Heads | UnitKinds.Neurons);
        var vital = vitalHeads.Select(x => x.Item1 * 4 + x.Item2).Concat(vitalNeurons.Select(x => 8 + x.Item1 * 8 + x.Item2)).ToHashSet();
        // The construction's claim: removing any one vital unit costs accuracy (else it would not be vital).
        foreach (int u in vital)
        {
            var without = Enumerable.Range(0, units.Count).Select(v => vital.Contains(v) && v != u).ToArray();
            using var gate = UnitGates.KeepTensor(device, units, without);
            Assert.True(task.Accuracy(UnitGates.Split(units, gate)) <= 0.9, $"planted unit {units.Describe(u)} is not vital");
        }
        var budget = budgetKind == "per kind" ? UnitBudget.PerKind(units, (UnitKind.Head, 2), (UnitKind.Neuron, 4)) : UnitBudget.PerGroup(units, 1, 1, 2, 2);
        using var pruner = new MlPruningPruner(device, units, budget, new MlPruningOptions { LearningRate = 0.05f });
        task.Train(300, [pruner.ParameterGroup], step => UnitGates.Split(units, pruner.Mask(step, training: true)), _ => pruner.Penalty(), learningRate: 2e-4f);
        var keep = pruner.FinalKeep();
        var kept = Enumerable.Range(0, units.Count).Where(u => keep[u]).ToHashSet();
        Assert.True(kept.SetEquals(vital),
            $"kept [{string.Join(", ", kept.Order())}], fractions [{string.Join(", ", pruner.KeptFractions().Select(f => f.ToString("0.00")))}], scores [{string.Join(", ", pruner.Scores().Select(s => s.ToString("0.00")))}]");
        Assert.True(task.Accuracy(UnitGates.Split(units, pruner.Mask(0, training: false))) >= 0.9);
    }
}
