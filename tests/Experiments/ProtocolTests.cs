using NativeDsp.Experiments.Pruning;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pruning;
using NativeDsp.Tests.Experiments.Pruning;
using Xunit.Abstractions;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// The official protocol's values in every preset (rycolab/differentiable-subset-pruning: one epoch of mask learning,
/// tau cooled over ~2/3 of it for BERT and ~0.23 for IWSLT, Michel total/12 heads a step recomputed after each), the
/// full K grids, and the mechanisms behind them: Michel's step and recomputation count, and Voita's lambda search
/// reaching K on a synthetic task.
/// </summary>
public sealed class ProtocolTests(SyntheticHeadsFixture fixture, ITestOutputHelper output) : IClassFixture<SyntheticHeadsFixture>
{
    public static TheoryData<string, string> AllPresets() => new()
    {
        { "nli", "quick" }, { "nli", "full" }, { "nli", "paper" }, { "nli", "pretrained" }, { "mt", "quick" }, { "mt", "full" }, { "mt", "paper" },
    };

    [Theory]
    [MemberData(nameof(AllPresets))]
    public void Presets_use_the_official_protocol_and_say_where_they_depart(string task, string preset)
    {
        var config = Presets.Get(task, preset);
        Assert.Empty(config.Validate(task));
        Assert.NotEmpty(config.Protocol);
        // Cooldown: 2/3 for BERT/MNLI (8,333 of ~12,300 steps), 0.23 for IWSLT (250 of ~1,100); T_cool follows the run.
        Assert.Equal(task == "nli" ? 2.0 / 3.0 : 0.23, config.Cooldown, 1e-12);
        Assert.Equal(0, config.TCool);
        Assert.Equal(0, config.MaskSteps);
        Assert.Equal(preset == "pretrained" ? 0.2 : 1.0, config.MaskEpochs, 1e-12);
        Assert.Contains(preset == "pretrained" ? "0.2 epoch" : "mask_epochs 1", config.Protocol);
        // Michel: total/12 heads a step.
        int total = config.TotalHeads(task);
        Assert.Equal(Math.Max(1, (int)Math.Round(total / 12.0)), MichelPruner.StepFor(total, config.MichelStep));
        Assert.True(config.VoitaSearch);
        // Full curves: >= 6 K from <= 10% to >= 50% of the heads (pipelined), >= 3 joint.
        Assert.True(config.HeadsGrid.Length >= 6, $"{preset}: {config.HeadsGrid.Length} K values");
        Assert.True(config.HeadsGrid.Min() <= 0.10 * total && config.HeadsGrid.Max() >= 0.5 * total, $"{preset}: K {string.Join(",", config.HeadsGrid)} of {total}");
        Assert.True(config.JointHeadsGrid.Length >= 3);
        Assert.All(config.HeadsGrid.Concat(config.JointHeadsGrid), k => Assert.InRange(k, 1, total));
    }

    [Fact]
    public void Mask_steps_and_cooldown_follow_the_epoch()
    {
        var quick = Presets.Get("nli", "quick");
        Assert.Equal(3080, quick.MaskStepsFor(49275));          // ceil(49,275 / 16)
        Assert.Equal(2053, quick.CoolStepsFor(3080));           // round(2/3 x 3,080)
        Assert.Equal(616, Presets.Get("nli", "pretrained").MaskStepsFor(49275)); // ceil(0.2 x 49,275 / 16)
        Assert.Equal(7, (quick with { MaskSteps = 7 }).MaskStepsFor(49275));     // mask_steps given: it wins
        Assert.Equal(250, (quick with { TCool = 250 }).CoolStepsFor(3080));
        var dsp = new TemperatureSchedule(quick.Tau0, quick.TauEnd, quick.CoolStepsFor(3080));
        Assert.Equal(quick.TauEnd, dsp.Tau(2053));               // cooled at 2/3 of the epoch...
        Assert.Equal(quick.TauEnd, dsp.Tau(3080));               // ...and held there
        Assert.True(dsp.Tau(2052) > quick.TauEnd);
        Assert.Contains("--mask_epochs 0", Assert.Single(quick.WithOverride("mask_epochs", "0").Validate("nli")));
    }

    [Fact]
    public void Michel_masks_a_fixed_step_and_recomputes_importance_after_every_step()
    {
        using var task = new SyntheticHeadsTask(pretrainSteps: 0);
        var batches = task.Train.Chunk(32).Take(3).ToList();
        int calls = 0;
        int step = MichelPruner.StepFor(task.Model.HeadIndex, 0.25); // 2 of 8 heads
        Assert.Equal(2, step);
        using var michel = new MichelPruner(task.Device, task.Model.HeadIndex, HeadBudget.Global(1),
            (b, gate) => { calls++; return task.Task.Loss(batches[b], gate); }, batches.Count, step);
        var curve = michel.Run(null);
        // 8 -> 6 -> 4 -> 2 -> 1: four steps, the last cut short to reach K = 1 exactly; an importance pass (3 batches) before each.
        Assert.Equal([8, 6, 4, 2, 1], curve.Select(s => s.HeadsKept));
        Assert.Equal(4 * 3, calls);
        Assert.Equal(1, michel.FinalKeep().Count(k => k));
    }

    [Fact]
    public void Lambda_search_reaches_K_on_the_synthetic_task()
    {
        var task = fixture.Fresh();
        var shortRun = new PruningRunOptions { Setting = PruningSetting.Pipelined, MaskSteps = 60, BatchSize = 32, DataSeed = 3 };
        HardConcretePruner Voita(double lambda) => new(task.Device, task.Model.HeadIndex, HeadBudget.Global(1),
            new HardConcreteOptions { Lambda = lambda, LearningRate = 0.1f, InitialLogAlpha = 2f, Seed = 1 });
        var before = task.Model.StateDict();
        var search = PruningRun.SearchLambda(task.Task, shortRun, Voita, targetK: 1, low: 1e-4, high: 10, trials: 8);
        output.WriteLine(string.Join("; ", search.Trials.Select(t => $"lambda {t.Lambda:g3} -> {t.HeadsReached} heads")));
        Assert.Equal(1, search.Best.HeadsReached);
        // The search restored the model, and a run with the lambda found reaches K = 1 with the useful head.
        foreach (var (name, value) in before) Assert.Equal(value.Data, task.Model.StateDict()[name].Data);
        using var voita = Voita(search.Best.Lambda);
        PruningRun.LearnMask(task.Task, voita, shortRun);
        Assert.Equal(1, voita.ReachedK);
        Assert.Equal(SyntheticHeadsTask.UsefulHeads, HeadSelection.Ids(voita.FinalKeep()));
    }

    [Fact]
    public void Old_results_files_without_the_protocol_columns_still_read()
    {
        string dir = Directory.CreateTempSubdirectory("nativedsp-legacy-").FullName;
        try
        {
            string path = Path.Combine(dir, ResultsFile.FileName);
            File.WriteAllText(path, string.Join(",", ResultRow.LegacyColumns) + "\n" +
                "nli,pipelined,voita,12,3,False,1,accuracy,0.46,621251,583955,30.5,1000,1000,encoder.layers.0.self_attn=3,host,quick\n");
            var row = Assert.Single(ResultsFile.Read(path));
            Assert.Equal(("voita", 3, 0.46), (row.Method, row.HeadsKept, row.Value));
            Assert.Null(row.Lambda);
            Assert.Null(row.HeadsReached);
            // Written back with the new header, the protocol values round-trip.
            row.Lambda = 0.0123;
            row.HeadsReached = 5;
            row.MaskSteps = 3080;
            ResultsFile.Write(path, [row]);
            Assert.Equal(string.Join(",", ResultRow.Columns), File.ReadLines(path).First());
            var back = Assert.Single(ResultsFile.Read(path));
            Assert.Equal((0.0123, 5, 3080L), (back.Lambda, back.HeadsReached, back.MaskSteps));
            Assert.Null(back.TCool);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
