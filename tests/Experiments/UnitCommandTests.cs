using NativeDsp.Experiments.Pruning;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Tests.Experiments.Data;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// Unit runs from the command line (issue 20): --units, --keep-params(-fraction), the new methods' settings, the
/// one-line usage errors, the unit columns of results.csv (old files still load), the unit sweep's grid, and
/// <c>nativedsp time</c> re-timing a run's pruned shape.
/// </summary>
[Collection(ExperimentCommandTests.CliCollection)]
public sealed class UnitCommandTests : IDisposable
{
    readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    static readonly string[] Tiny =
    [
        "--layers", "2", "--attn_heads", "2", "--d_model", "16", "--ffn", "16", "--steps", "8",
        "--train_examples", "96", "--eval_examples", "32", "--batch", "8", "--device", "host",
    ];

    /// <summary>For runs that learn a mask on the frozen model (pipelined dsp) or train SMP's meta-pruner: the others refuse it.</summary>
    static readonly string[] MaskSteps = ["--mask_steps", "6"];

    [Theory]
    [InlineData("--units heads,neurons --heads 2", "give the budget in parameters")]
    [InlineData("--units neurons --keep-params 100 --method-ste", "does not prune neurons")]
    [InlineData("--heads 2 --keep-params 100", "give one budget")]
    [InlineData("--keep-params 100 --keep-params-fraction 0.5", "give one budget")]
    [InlineData("--keep-params-fraction 1.5", "(0, 1]")]
    [InlineData("--keep-params-fraction 0.5 --per-layer", "--per-layer")]
    [InlineData("--units foo --heads 1", "not a kind of unit")]
    [InlineData("--method-smp --setting joint --heads 2", "use --setting before-finetuning")]
    [InlineData("--method-michel --setting pipelined --keep-params-fraction 0.5", "michel runs with --heads K only")]
    [InlineData("--method-none --units heads,neurons", "keeps every unit")]
    // An option a method cannot honour is refused even where it would change nothing (it used to be accepted and dropped).
    [InlineData("--method-michel --setting pipelined --units heads --heads 2", "--units: --method michel runs with --heads K only; --units is for --method dsp, ")]
    [InlineData("--method-michel --setting pipelined --keep-params 100", "--keep-params: --method michel runs with --heads K only; --keep-params is for --method dsp, ste, voita, gradrank, smp, mlpruning, snip")]
    [InlineData("--method-none --units heads", "--units: --method none keeps every unit")]
    [InlineData("--method-none --keep-params-fraction 0.5", "--keep-params-fraction: --method none keeps every unit")]
    [InlineData("--method-none --per-layer", "--per-layer: --method none keeps every head")]
    [InlineData("--units heads,neurons --keep-params 100 --method-snip", "--units heads,neurons: --method snip does not prune heads,neurons (--units is for ")]
    [InlineData("--heads 2 --time-reps 3", "--time-reps: only unit runs are timed")]
    [InlineData("--heads 2 --time_batch 4 --method-michel --setting pipelined", "--time_batch: only unit runs are timed")]
    public void BadUnitCombinationsAreOneLineUsageErrors(string options, string expected)
    {
        var args = options.Split(' ').ToList();
        string method = args.FirstOrDefault(a => a.StartsWith("--method-"))?["--method-".Length..] ?? "dsp";
        args.RemoveAll(a => a.StartsWith("--method-"));
        string line = CliRunner.AssertFails(2, ["nli", "--method", method, .. args, "--out", temp.File("out"), .. Tiny]);
        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(temp.File("out")), "a usage error writes nothing");
    }

    [Fact]
    public void ADspRunWithAParameterBudgetWritesTheUnitColumnsAndTimeRetimesIt()
    {
        string data = TinyData.Nli(temp.File("data"));
        string dir = temp.File("out");
        var (code, output, err) = CliRunner.Run(["nli", "--method", "dsp", "--setting", "pipelined", "--keep-params-fraction", "0.5", "--seed", "2",
                                                 "--out", dir, "--data", data, .. MaskSteps, .. Tiny]);
        Assert.True(code == 0, output + err);
        var row = Assert.Single(ResultsFile.Read(Path.Combine(dir, ResultsFile.FileName)));
        Assert.Equal(("heads", "params_fraction=0.5"), (row.Units, row.Budget));
        Assert.True(row.IsUnitRun);
        Assert.Equal(string.Join(",", ResultRow.UnitRunColumns), File.ReadLines(Path.Combine(dir, ResultsFile.FileName)).First());
        Assert.Equal("nli|pipelined|dsp|heads|params_fraction=0.5|0|2|quick", row.Key);
        // 4 heads of equal cost: half their parameters is 2 heads.
        Assert.Equal(2, row.HeadsKept);
        Assert.StartsWith("head=2;neuron=32;", row.KeptUnits);
        Assert.Equal(2, row.PrunedShape!.Split(';').Sum(l => int.Parse(l.Split('/')[0])));
        Assert.True(row.ParamsPruned < row.Params);
        Assert.True(row.InferMsFull > 0 && row.InferMsPruned > 0 && row.Speedup > 0);
        Assert.Equal((InferenceTiming.DefaultBatch, Environment.ProcessorCount, InferenceTiming.DefaultRepetitions), (row.TimeBatch, row.TimeThreads, row.TimeReps));
        Assert.NotNull(row.TimeQuiet);
        Assert.True(File.Exists(Path.Combine(dir, "runs", row.Key.Replace('|', '_'), PruningRun.PrunedModelFile)));

        // Re-timed later from the shape: the timing columns change, nothing else.
        (code, output, err) = CliRunner.Run(["time", Path.Combine(dir, ResultsFile.FileName), "--data", data, "--reps", "2", "--batch", "4", "--device", "host"]);
        Assert.True(code == 0, output + err);
        var again = Assert.Single(ResultsFile.Read(Path.Combine(dir, ResultsFile.FileName)));
        Assert.Equal((row.Key, row.Value, row.ParamsPruned, row.PrunedShape), (again.Key, again.Value, again.ParamsPruned, again.PrunedShape));
        Assert.Equal((4, 2), (again.TimeBatch, again.TimeReps));
    }

    [Theory]
    [InlineData("gradrank", "heads", "pipelined")]
    [InlineData("gradrank", "heads,neurons", "pipelined")]
    [InlineData("smp", "heads", "before-finetuning")]
    [InlineData("dsp", "heads,neurons", "joint")]
    [InlineData("dsp", "blocks", "joint")]
    [InlineData("mlpruning", "heads,neurons", "joint")]
    [InlineData("snip", "heads,blocks", "joint")]
    public void AReadingListMethodRunsAtItsSettingFromTheCommandLine(string method, string units, string setting)
    {
        string data = TinyData.Nli(temp.File("data"));
        string dir = temp.File("out");
        // No --setting: the method's own is taken. Each gets the method settings it reads (the others are refused).
        string[] own = method switch { "smp" => MaskSteps, "gradrank" or "snip" => ["--michel_batches", "2"], _ => [] };
        var (code, output, err) = CliRunner.Run(["nli", "--method", method, "--units", units, "--keep-params-fraction", "0.5", .. own,
                                                 "--out", dir, "--data", data, .. Tiny]);
        Assert.True(code == 0, output + err);
        var row = Assert.Single(ResultsFile.Read(Path.Combine(dir, ResultsFile.FileName)));
        Assert.Equal((method, setting, units), (row.Method, row.Setting, row.Units));
        Assert.True(row.ParamsPruned < row.Params);
        // The kept prunable parameters reported are the pruned model's, and within the budget (blocks and their heads counted once).
        Assert.Equal(row.ParamsPruned, row.Params - row.PrunableParams!.Value + row.KeptPrunableParams!.Value);
        Assert.InRange(row.KeptPrunableParams.Value, 1, row.PrunableParams.Value / 2);
        Assert.True(row.Speedup > 0);
    }

    [Fact]
    public void ABlockBudgetIsMetInWholeBlocksAndTheRowSaysWhatWasKept()
    {
        string data = TinyData.Nli(temp.File("data"));
        string dir = temp.File("out");
        // 2 pre-LN layers (the quick preset): attention blocks of 1,088 + 32 parameters (their input LayerNorm goes with them),
        // FFN blocks of 544 + 32 (3,392 in all). 70% of it would need 1.4 blocks of each kind; 2 of each exceed the budget, so
        // 1 of each (exactly half) is kept, and the log and the row say so.
        var (code, output, err) = CliRunner.Run(["nli", "--method", "dsp", "--units", "blocks", "--keep-params-fraction", "0.7", "--setting", "pipelined",
                                                 "--out", dir, "--data", data, .. MaskSteps, .. Tiny]);
        Assert.True(code == 0, output + err);
        Assert.Contains("2374 parameters asked, 1696 kept by whole units (1 attention blocks + 1 FFN blocks) = 0.5 of the 3392 prunable parameters", output);
        var row = Assert.Single(ResultsFile.Read(Path.Combine(dir, ResultsFile.FileName)));
        Assert.Equal((3392L, 1696L), (row.PrunableParams!.Value, row.KeptPrunableParams!.Value));
        Assert.Equal(row.Params - 1696, row.ParamsPruned);
        Assert.Equal("params_fraction=0.7", row.Budget);
    }

    [Fact]
    public void ABudgetThatKeepsNoUnitFailsWithOneLine()
    {
        string data = TinyData.Nli(temp.File("data"));
        string line = CliRunner.AssertFails(1, ["nli", "--method", "dsp", "--keep-params", "1", "--setting", "pipelined",
                                                "--out", temp.File("out"), "--data", data, .. MaskSteps, .. Tiny]);
        Assert.Contains("keeps no unit", line);
    }

    [Fact]
    public void ABudgetAboveWhatTheUnitsHoldNamesTheOptionAndTheLimit()
    {
        string data = TinyData.Nli(temp.File("data"));
        string line = CliRunner.AssertFails(1, ["nli", "--method", "dsp", "--units", "heads,neurons", "--keep-params", "99999999", "--setting", "pipelined",
                                                "--out", temp.File("out"), "--data", data, .. MaskSteps, .. Tiny]);
        Assert.Matches(@"--keep-params 99999999: the prunable units \(heads,neurons\) hold \d+ parameters .*give at most \d+", line);
    }

    [Fact]
    public void AUnitSweepRunsItsGridDrawsTheUnitPlotAndResumes()
    {
        string data = TinyData.Nli(temp.File("data"));
        string dir = temp.File("sweep");
        string[] command = ["sweep", "--task", "nli", "--out", dir, "--data", data, "--keep-params-fractions", "0.9,0.5", "--methods", "dsp,none",
                            "--units", "heads", "--seeds", "1", .. MaskSteps, .. Tiny];
        var (code, output, err) = CliRunner.Run(command);
        Assert.True(code == 0, output + err);
        var rows = ResultsFile.Read(Path.Combine(dir, ResultsFile.FileName));
        Assert.Equal(["dsp|params_fraction=0.5", "dsp|params_fraction=0.9", "none|"], rows.Select(r => $"{r.Method}|{r.Budget}").Order());
        Assert.True(File.Exists(Path.Combine(dir, NativeDsp.Experiments.Plots.UnitsPlot.FileName)));
        // No head-pruning rows, so no (empty) head plots.
        Assert.False(File.Exists(Path.Combine(dir, NativeDsp.Experiments.Plots.QualityPlot.FileName)));
        Assert.False(File.Exists(Path.Combine(dir, NativeDsp.Experiments.Plots.KeptHeadsPlot.FileName)));
        Assert.Contains("nli unit runs (preset quick)", output);
        // The larger budget keeps at least as many parameters.
        Assert.True(rows.Single(r => r.Budget == "params_fraction=0.9").ParamsPruned >= rows.Single(r => r.Budget == "params_fraction=0.5").ParamsPruned);
        (code, output, err) = CliRunner.Run(command);
        Assert.True(code == 0, output + err);
        Assert.Contains("3 already in", output);
        Assert.Contains("0 to run", output);
    }

    [Theory]
    [InlineData("--units heads --heads 1", "needs budgets in parameters")]
    [InlineData("--keep-params-fractions 0.5 --heads 1", "one kind of budget")]
    [InlineData("--keep-params-fractions 0.5 --methods michel", "michel")]
    [InlineData("--keep-params-fractions 0", "(0, 1]")]
    [InlineData("--keep-params-fractions 0,0.5", "nativedsp sweep: --keep-params-fractions '0': expected a number in (0, 1] (see")]
    [InlineData("--keep-params-fractions 0.5 --methods dsp,ste --units heads,neurons", "--methods ste prunes none of the --units sets (heads,neurons)")]
    // A chosen setting a method lacks used to be replaced by the method's own, silently.
    [InlineData("--keep-params-fractions 0.5 --methods dsp,gradrank --settings joint", "--settings joint: --methods gradrank runs only pipelined")]
    // Timing settings in a grid of head runs were read by nothing.
    [InlineData("--methods dsp --heads 1 --time-reps 3", "--time-reps: only unit runs are timed")]
    [InlineData("--methods none --keep-params-fractions 0.5", "--keep-params-fractions: --methods none keeps every unit")]
    [InlineData("--methods none --per-layer", "--per-layer: --methods none keeps every unit")]
    public void BadUnitSweepsAreOneLineUsageErrors(string options, string expected)
    {
        string line = CliRunner.AssertFails(2, ["sweep", "--task", "nli", "--out", temp.File("out"), .. options.Split(' '), .. Tiny]);
        Assert.Contains(expected, line);
    }

    [Fact]
    public void TheMtCommandRefusesEveryUnitOptionEvenHeads()
    {
        foreach (var (options, expected) in new[]
        {
            ("--units heads --heads 2", "--units: unit pruning"),
            ("--keep-params-fraction 0.5", "--keep-params-fraction: unit pruning"),
            ("--method gradrank --setting pipelined --heads 2", "--method gradrank: unit pruning"),
        })
        {
            var args = options.Split(' ').ToList();
            if (!args.Contains("--method")) args.InsertRange(0, ["--method", "dsp"]);
            string line = CliRunner.AssertFails(2, ["mt", .. args, "--out", temp.File("out"), "--device", "host"]);
            Assert.Contains(expected, line);
            Assert.Contains("nli only", line);
        }
    }

    [Fact]
    public void TheUnitsUsageNamesEachMethodWithTheKindsItPrunes()
    {
        string text = NativeDsp.Experiments.Commands.UnitOptions.UnitMethodsText("--units");
        Assert.Equal("dsp, gradrank, smp (heads, neurons, attention-blocks, ffn-blocks); ste, voita (heads); mlpruning (heads, neurons); snip (heads, attention-blocks, ffn-blocks)", text);
    }

    [Fact]
    public void AUnitSweepRunsEachMethodInEveryChosenSettingItHas()
    {
        List<PruningSetting> chosen = [PruningSetting.Joint, PruningSetting.Pipelined];
        var grid = SweepGrid.BuildUnits("nli", "quick", [PruningMethod.Dsp, PruningMethod.Gradrank, PruningMethod.None], _ => [UnitKinds.Heads],
                                        m => SweepGrid.UnitSettings(m, chosen), [0.5], [1], 8);
        // dsp in both settings (it used to run in the first only), gradrank in its one, none once, pipelined (the unpruned model).
        Assert.Equal(["dsp joint", "dsp pipelined", "gradrank pipelined", "none pipelined"],
                     grid.Select(r => $"{r.MethodName} {r.SettingName}").Order());
        Assert.Empty(SweepGrid.UnitSettings(PruningMethod.Smp, chosen));
        Assert.Equal([PruningSetting.Joint], SweepGrid.UnitSettings(PruningMethod.None, [PruningSetting.Joint]));
    }

    [Fact]
    public void ResultsFilesOfEveryEarlierHeaderStillLoad()
    {
        // A unit-run file written before kept_prunable_params: the column reads as null and is added when written.
        string unitPath = temp.File("units.csv");
        File.WriteAllText(unitPath, string.Join(",", ResultRow.UnitRunColumnsBeforeKept) + "\n" +
            "nli,pipelined,dsp,4,2,False,2,accuracy,0.5,8000,7000,3.5,1000,1000,encoder.layers.0.self_attn=1,host,quick,6,4,,,,heads,params_fraction=0.5,head=2,1/16;1/16,2000,1.5,1.2,1.25,32,2,10,0.3,True\n");
        var unitRow = Assert.Single(ResultsFile.Read(unitPath));
        Assert.Equal((2000L, (long?)null), (unitRow.PrunableParams!.Value, unitRow.KeptPrunableParams));
        ResultsFile.Write(unitPath, [unitRow]);
        Assert.Equal(string.Join(",", ResultRow.UnitRunColumns), File.ReadLines(unitPath).First());


        string path = temp.File("results.csv");
        File.WriteAllText(path, string.Join(",", ResultRow.Columns) + "\n" +
            "nli,joint,dsp,12,3,False,1,accuracy,0.5,621251,583955,30.5,1000,1000,encoder.layers.0.self_attn=3,host,quick,3080,2053,,,\n");
        var row = Assert.Single(ResultsFile.Read(path));
        Assert.False(row.IsUnitRun);
        Assert.Null(row.Speedup);
        Assert.Equal("nli|joint|dsp|3|0|1|quick", row.Key);
        ResultsFile.Write(path, [row]);
        Assert.Equal(string.Join(",", ResultRow.Columns), File.ReadLines(path).First());
        Assert.Equal(row.Key, Assert.Single(ResultsFile.Read(path)).Key);
    }

    [Fact]
    public void TheUnitSweepGridRunsEachMethodAtItsSettingAndUnitsOverTheBudgets()
    {
        var config = Presets.Get("nli", "units");
        var grid = SweepGrid.BuildUnits("nli", "units", config.UnitMethods, PrunerFactory.DefaultUnits, m => [SweepGrid.UnitSetting(m)], config.KeepParamsGrid, [1, 2], 72);
        // Per seed: dsp x 2 unit sets + gradrank + smp + mlpruning + snip = 6 series x 4 budgets, and one unpruned row.
        Assert.Equal(2 * (6 * 4 + 1), grid.Count);
        Assert.Equal(grid.Count, grid.Select(r => r.Key).Distinct().Count());
        Assert.All(grid.Where(r => r.Method != PruningMethod.None), r => Assert.True(r.IsUnitRun && RunSpec.IsValid(r.Method, r.Setting)));
        Assert.Equal(PruningSetting.BeforeFinetuning, grid.First(r => r.Method == PruningMethod.Smp).Setting);
        Assert.Equal(PruningSetting.Pipelined, grid.First(r => r.Method == PruningMethod.Dsp).Setting);
        Assert.Contains(grid, r => r.Method == PruningMethod.Dsp && r.Units == (UnitKinds.Heads | UnitKinds.Neurons));
        Assert.Equal(UnitKinds.Heads | UnitKinds.Neurons, UnitKindsText.Parse(UnitKindsText.Of(UnitKinds.Heads | UnitKinds.Neurons)));
    }
}
