using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Methods;
using NativeDsp.Model.Pruning.Units;
using static NativeDsp.Tests.Model.ModelTestKit;

namespace NativeDsp.Tests.Model.Pruning.Methods;

/// <summary>SNIP on the planted task: function norms, the identity prior, and the decision with and without a budget.</summary>
public class SnipPrunerTests
{
    /// <summary>Layer 0: heads 1, 2, 3 dead (head 0 alone); layer 1: the whole attention block dead; layer 2: head 0 and the whole FFN dead.</summary>
    static (PlantedTask Task, UnitIndex Units, HashSet<int> Dead) Planted(Device device)
    {
        var task = new PlantedTask(device, seed: 5, layers: 3);
        foreach (int h in new[] { 1, 2, 3 }) task.KillHead(0, h);
        task.KillAttentionBlock(1);
        task.KillHead(2, 0);
        task.KillFfnBlock(2);
        task.LabelFromModel();
        var units = UnitIndex.Build(task.Model, UnitKinds.Heads | UnitKinds.Blocks);
        // Heads 0-11, attention blocks 12-14, FFN blocks 15-17.
        var dead = new HashSet<int> { 1, 2, 3, 4, 5, 6, 7, 8, 13, 17 };
        return (task, units, dead);
    }

    [Fact]
    public void FunctionNormsSeeEachHeadAndBlock()
    {
        using var device = HostDevice();
        var (task, units, dead) = Planted(device);
        using var _ = task;
        using var snip = new SnipPruner(device, units, null);
        var norms = snip.MeasureFunctionNorms(task.Model, PlantedTask.Batches, (b, g) => task.Loss(b, g));
        foreach (int u in dead) Assert.Equal(0.0, norms[u]);
        foreach (int u in Enumerable.Range(0, units.Count).Where(u => !dead.Contains(u))) Assert.True(norms[u] > 1e-3, $"{units.Describe(u)}: {norms[u]}");
        // Layer 0 has one live head and no biases (fresh Fairseq init): the head's function is the whole block's.
        Assert.Equal(norms[12], norms[0], 1e-6 * norms[12]);
    }

    public static TheoryData<bool> WithBudget => new() { true, false };

    /// <summary>
    /// The procedure (spectral normalisation + identity prior during fine-tuning, then function norms) removes exactly
    /// the dead units, by budget (the lowest function norms) or by the threshold; a random or inverted choice keeps
    /// dead units. The pruned model computes what the masked one does.
    /// </summary>
    [Theory, MemberData(nameof(WithBudget))]
    public void PlantedTaskRemovesTheDeadModules(bool withBudget)
    {
        using var device = HostDevice();
        var (task, units, dead) = Planted(device);
        using var _ = task;
        var budget = withBudget ? UnitBudget.PerKind(units, (UnitKind.Head, 4), (UnitKind.AttentionBlock, 2), (UnitKind.FfnBlock, 2)) : null;
        // A dead block's output bias gets a gradient (it is added whatever the weights), so the block comes back as a
        // constant shift, x + b, whose function norm the identity prior holds near 0.015 while live units sit at 0.07
        // and above: the threshold 0.03 lies between (the geometric mean).
        using var snip = new SnipPruner(device, units, budget, new SnipOptions { Lambda = 0.01, Threshold = 0.03 });
        snip.Run(task.Context(steps: 40));
        Assert.Empty(snip.SpectralNorms); // folded
        var keep = snip.FinalKeep();
        var kept = Enumerable.Range(0, units.Count).Where(u => keep[u]).ToHashSet();
        Assert.True(kept.SetEquals(Enumerable.Range(0, units.Count).Where(u => !dead.Contains(u))),
            $"kept [{string.Join(", ", kept.Order())}], norms [{string.Join(", ", snip.FunctionNorms.Select(n => n.ToString("0.000")))}]");

        float masked;
        using (var gate = UnitGates.KeepTensor(device, units, keep)) masked = (float)task.Accuracy(UnitGates.Split(units, gate));
        task.Model.PruneUnits(units, UnitSelection.Ids(keep));
        Assert.Equal(masked, (float)task.Accuracy(UnitGates.None));
        Assert.True(masked >= 0.8, $"accuracy {masked}");
    }

    /// <summary>The identity prior is lambda sum_u sqrt(s_u) in value and pulls the function norms down: with a strong prior the live units end smaller than without.</summary>
    [Fact]
    public void IdentityPriorShrinksTheFunctionNorms()
    {
        using var device = HostDevice();
        double[] Norms(double lambda)
        {
            var (task, units, _) = Planted(device);
            using var t = task;
            using var snip = new SnipPruner(device, units, null, new SnipOptions { Lambda = lambda, SpectralNormalization = false });
            snip.Run(task.Context(steps: 40));
            return snip.FunctionNorms;
        }
        var free = Norms(0);
        var pulled = Norms(1.0);
        var live = new[] { 0, 9, 10, 11, 12, 14, 15, 16 };
        Assert.True(live.Sum(u => pulled[u]) < 0.8 * live.Sum(u => free[u]), $"with prior {live.Sum(u => pulled[u]):0.000}, without {live.Sum(u => free[u]):0.000}");

        var (task2, units2, _) = Planted(device);
        using var _2 = task2;
        var observer = new FunctionNormObserver(units2);
        var measured = new SnipPruner(device, units2, null).MeasureFunctionNorms(task2.Model, 1, (b, g) => task2.Loss(b, g));
        task2.Model.Eval();
        using var scope = device.Scope();
        task2.Loss(0, new UnitGates { Observer = observer });
        var prior = observer.IdentityPrior(2.0)!.Item();
        Assert.Equal(2.0 * measured.Where(n => !double.IsNaN(n)).Sum(), prior, 1e-4 * prior);
    }

    [Fact]
    public void RefusesNeuronsAndAnswersOnlyAfterRunning()
    {
        using var device = HostDevice();
        var (task, units, _) = Planted(device);
        using var _ = task;
        Assert.Throws<ArgumentException>(() => new SnipPruner(device, UnitIndex.Build(task.Model, UnitKinds.Neurons), null));
        using var snip = new SnipPruner(device, UnitIndex.Build(task.Model, UnitKinds.Heads | UnitKinds.Blocks), null);
        Assert.Throws<InvalidOperationException>(() => snip.FinalKeep());
        Assert.Equal(new[] { true, false, true }, new SnipPruner(device, units, null, new SnipOptions { Threshold = 0.5 }).Decide(SetNorms(units.Count, (0, 0.6), (1, 0.4), (2, 0.5))).Take(3));
    }

    static double[] SetNorms(int n, params (int Unit, double Norm)[] values)
    {
        var a = Enumerable.Repeat(1.0, n).ToArray();
        foreach (var (u, v) in values) a[u] = v;
        return a;
    }
}
