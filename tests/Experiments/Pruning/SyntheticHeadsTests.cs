using NativeDsp.Model.Pruning;
using Xunit.Abstractions;
using NativeDsp.Experiments.Pruning;

namespace NativeDsp.Tests.Experiments.Pruning;

/// <summary>The pretrained synthetic model, shared by the tests of one class (pretraining is the slow part).</summary>
public sealed class SyntheticHeadsFixture : IDisposable
{
    public SyntheticHeadsTask Task { get; } = new();
    public Dictionary<string, global::NativeDsp.Engine.HostTensor> Trained { get; }

    public SyntheticHeadsFixture() => Trained = Task.Model.StateDict();

    /// <summary>Back to the pretrained weights (a test may have pruned or fine-tuned nothing, but be safe).</summary>
    public SyntheticHeadsTask Fresh()
    {
        Task.Model.LoadStateDict(Trained);
        return Task;
    }

    public void Dispose() => Task.Dispose();
}

/// <summary>
/// On a task where only head 6 carries the signal (see <see cref="SyntheticHeadsTask"/>), the methods find
/// exactly that head at K = 1 and keep the model's accuracy, while a random mask of the same K (averaged
/// exactly over all 8 single-head masks) loses most of it; the pipelined setting leaves every model weight
/// bit-identical.
/// </summary>
public class SyntheticHeadsTests(SyntheticHeadsFixture fixture, ITestOutputHelper output) : IClassFixture<SyntheticHeadsFixture>
{
    static readonly PruningRunOptions Pipelined = new()
    {
        Setting = PruningSetting.Pipelined, MaskSteps = 120, BatchSize = 32, DataSeed = 3, SnapshotEvery = 40,
    };

    /// <summary>The expected accuracy of a uniformly random mask with K = 1, over all 8 of them.</summary>
    static double RandomMaskAccuracy(SyntheticHeadsTask task) => Enumerable.Range(0, 8).Average(h => task.AccuracyKeeping([h]));

    void AssertFindsUsefulHeads(IHeadPruner pruner, SyntheticHeadsTask task, double fullAccuracy)
    {
        var keep = HeadSelection.Ids(pruner.FinalKeep());
        double masked = task.AccuracyKeeping(keep);
        double random = RandomMaskAccuracy(task);
        output.WriteLine($"{pruner.Method}: kept [{string.Join(",", keep)}], scores [{string.Join(", ", pruner.Scores().Select(s => s.ToString("0.###")))}]; " +
                         $"accuracy all heads {fullAccuracy:P1}, masked {masked:P1}, random K=1 masks {random:P1}");
        Assert.Equal(SyntheticHeadsTask.UsefulHeads, keep);
        // Useless heads output exactly zero, so the right mask loses nothing (float rounding aside).
        Assert.True(masked >= fullAccuracy - 0.01, $"masked accuracy {masked:P1} vs {fullAccuracy:P1} with all heads");
        // Chance is 1/3; 7 of the 8 random masks miss the useful head, so the mean must fall well short.
        Assert.True(random <= masked - 0.15, $"a random K=1 mask averages {random:P1}, the learned one {masked:P1}");
    }

    [Fact]
    public void PretrainedModelSolvesTheTaskOnlyThroughTheUsefulHeads()
    {
        var task = fixture.Fresh();
        double all = task.Accuracy(null);
        double none = task.AccuracyKeeping([0, 1, 2, 3, 4, 5, 7]);
        output.WriteLine($"all heads {all:P1}, only useless heads {none:P1}");
        Assert.True(all >= 0.95, $"the pretrained model reaches only {all:P1}");
        Assert.True(none <= 0.5, $"without the useful heads the model still reaches {none:P1}");
    }

    [Fact]
    public void DspFindsTheUsefulHeadsAndPipelinedLeavesWeightsBitIdentical()
    {
        var task = fixture.Fresh();
        double full = task.Accuracy(null);
        var before = task.Model.StateDict();
        using var dsp = new DspPruner(task.Device, task.Model.HeadIndex, HeadBudget.Global(1),
                                      new DspOptions { Temperature = new TemperatureSchedule(1, 1e-3, 100), LearningRate = 0.1f, Seed = 4 });
        var w0 = dsp.Logits.ToArray();
        var snapshots = new MaskSnapshots(dsp);
        PruningRun.LearnMask(task.Task, dsp, Pipelined, snapshots);
        var after = task.Model.StateDict();
        foreach (var (name, value) in before) Assert.True(value.Data.AsSpan().SequenceEqual(after[name].Data), $"{name} changed while the model was frozen");
        Assert.All(task.Model.Parameters(), p => Assert.True(p.RequiresGrad)); // unfrozen again for fine-tuning
        Assert.NotEqual(w0, dsp.Logits.ToArray());
        Assert.Equal(new long[] { 0, 40, 80, 120 }, snapshots.Rows.Select(r => r.Step));
        AssertFindsUsefulHeads(dsp, task, full);

        // snapshots.csv: a header, one row per (step, head), floats that read back exactly, no temporary file left.
        string dir = Directory.CreateTempSubdirectory("nativedsp-snapshots-").FullName;
        try
        {
            string path = Path.Combine(dir, "snapshots.csv");
            snapshots.WriteCsv(path);
            var lines = File.ReadAllLines(path);
            Assert.Equal("step,head,module,local,score,mask", lines[0]);
            int heads = dsp.Index.Count;
            Assert.Equal(1 + 4 * heads, lines.Length);
            var last = lines[^1].Split(',');
            var (group, local) = dsp.Index.Locate(heads - 1);
            Assert.Equal(["120", (heads - 1).ToString(), group.Name, local.ToString()], last[..4]);
            Assert.Equal(snapshots.Rows[3].Scores[heads - 1], float.Parse(last[4], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(snapshots.Rows[3].Mask[heads - 1], float.Parse(last[5], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SteFindsTheUsefulHeads()
    {
        var task = fixture.Fresh();
        double full = task.Accuracy(null);
        using var ste = new StePruner(task.Device, task.Model.HeadIndex, HeadBudget.Global(1), learningRate: 0.05f, seed: 4);
        output.WriteLine($"ste initial w [{string.Join(", ", ste.Logits.ToArray().Select(s => s.ToString("0.###")))}]");
        PruningRun.LearnMask(task.Task, ste, Pipelined);
        AssertFindsUsefulHeads(ste, task, full);
    }

    [Fact]
    public void MichelFindsTheUsefulHeadsWithExactKAtEveryStep()
    {
        var task = fixture.Fresh();
        var batches = task.Train.Chunk(64).Take(2).ToList();
        using var michel = new MichelPruner(task.Device, task.Model.HeadIndex, HeadBudget.Global(1),
            (b, gate) => task.Task.Loss(batches[b], gate), batches.Count, stepHeads: 1);
        var curve = michel.Run(keep => task.AccuracyKeeping(HeadSelection.Ids(keep)));
        output.WriteLine(string.Join("; ", curve.Select(s => $"{s.HeadsKept} heads: {s.Metric:P1} [{string.Join(",", HeadSelection.Ids(s.Keep))}]")));
        Assert.Equal(Enumerable.Range(1, 8).Reverse(), curve.Select(s => s.HeadsKept));
        Assert.All(curve, s => Assert.Equal(s.HeadsKept, s.Keep.Count(k => k)));
        // The useless heads have dL/dgate = 0 exactly, so they go first and the last one left is the useful head.
        Assert.Equal(SyntheticHeadsTask.UsefulHeads, HeadSelection.Ids(curve[^1].Keep));
        Assert.Equal(SyntheticHeadsTask.UsefulHeads, HeadSelection.Ids(michel.FinalKeep()));
        Assert.True(curve[^1].Metric >= curve[0].Metric - 0.01, "the useful head alone keeps the accuracy");
    }

    [Fact]
    public void VoitaReportsItsKAndKeepsExactlyKWhenAsked()
    {
        var task = fixture.Fresh();
        var options = new HardConcreteOptions { Lambda = 0.05, LearningRate = 0.1f, InitialLogAlpha = 2f, Seed = 1 };
        using var free = new HardConcretePruner(task.Device, task.Model.HeadIndex, null, options);
        PruningRun.LearnMask(task.Task, free, Pipelined);
        var gates = free.EvalGates();
        int reached = free.ReachedK;
        output.WriteLine($"voita lambda {options.Lambda}: reached K = {reached}, gates [{string.Join(", ", gates.Select(g => g.ToString("0.##")))}]");
        Assert.Equal(gates.Count(g => g > 0.5f), reached);
        Assert.Equal(reached, free.FinalKeep().Count(k => k));
        // The penalty closes the useless heads (no task gradient reaches them); the useful one stays open.
        Assert.Equal(SyntheticHeadsTask.UsefulHeads, HeadSelection.Ids(free.FinalKeep()));
        for (int k = 1; k <= 8; k++)
        {
            using var withK = new HardConcretePruner(task.Device, task.Model.HeadIndex, HeadBudget.Global(k), options);
            withK.Logits.CopyFrom(free.Logits.ToArray());
            Assert.Equal(k, withK.FinalKeep().Count(x => x));
        }
    }
}
