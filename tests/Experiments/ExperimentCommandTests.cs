using NativeDsp.Experiments.Pruning;
using NativeDsp.Model.Pruning;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// The experiment commands: argument checking (usage errors exit 2), a tiny end-to-end sweep (CSV columns,
/// plots), resume, and shards. The sweep uses a one-layer model with a handful of steps on the committed
/// NLI data, so it checks the plumbing, not the quality.
/// </summary>
// One collection: the usage checks swap Console.Error, which is process-wide.
[Collection(ExperimentCommandTests.CliCollection)]
public sealed class ExperimentCommandTests
{
    public const string CliCollection = "experiment CLI";

    static readonly string[] TinyModel =
    [
        "--layers", "1", "--attn_heads", "2", "--d_model", "16", "--ffn", "16", "--steps", "3", "--mask_steps", "2",
        "--train_examples", "64", "--eval_examples", "32", "--batch", "8", "--device", "host",
    ];

    [Theory]
    [InlineData("sweep")]                                                          // no --task
    [InlineData("sweep", "--task", "nli")]                                         // no --out
    [InlineData("sweep", "--task", "pos", "--out", "x")]                           // unknown task
    [InlineData("sweep", "--task", "nli", "--out", "x", "--shard", "3/2")]         // shard index past the count
    [InlineData("sweep", "--task", "nli", "--out", "x", "--shard", "1")]           // shard without /n
    [InlineData("sweep", "--task", "nli", "--out", "x", "--methods", "dsp,magic")] // unknown method
    [InlineData("sweep", "--task", "nli", "--out", "x", "--heads", "2,999")]       // K above the model's heads
    [InlineData("sweep", "--task", "nli", "--out", "x", "--preset", "huge")]       // unknown preset
    [InlineData("sweep", "--task", "nli", "--out", "x", "--tau0", "hot")]          // override not a number
    [InlineData("sweep", "--task", "nli", "--out", "x", "--frobnicate", "1")]      // unknown option
    [InlineData("nli", "--heads", "4")]                                            // no --method
    [InlineData("nli", "--method", "dsp")]                                         // no --heads
    [InlineData("nli", "--method", "dsp", "--heads", "0")]                         // K < 1
    [InlineData("nli", "--method", "michel", "--setting", "joint", "--heads", "4")] // Michel has no joint setting
    [InlineData("mt", "--method", "dsp", "--setting", "both", "--heads", "4")]     // unknown setting
    [InlineData("mt", "--method", "dsp", "--heads", "4", "--device", "tpu")]       // unknown device
    [InlineData("plot")]                                                           // no CSV
    [InlineData("sweep", "--task", "nli", "--out", "x", "--seeds", "a,b")]         // seeds not integers
    public void BadArgumentsExitWithUsage(params string[] args) => AssertExitsWithUsage(args);

    /// <summary>Runs the program and checks that it exited with 2 and one line on stderr, without a stack trace.</summary>
    internal static void AssertExitsWithUsage(string[] args) => CliRunner.AssertFails(2, args);

    [Fact]
    public void VoitaRowsRecordTheSearchedLambdaAndTheKReached()
    {
        using var dir = new TempFolder();
        var (code, output, _) = CliRunner.Run(["sweep", "--task", "nli", "--out", dir.Path, "--methods", "voita", "--heads", "1", "--seeds", "1",
                                               "--settings", "pipelined", "--voita_trials", "3", .. TinyModel]);
        Assert.Equal(0, code);
        Assert.Contains("voita lambda search for K = 1", output);
        var row = Assert.Single(ResultsFile.Read(Path.Combine(dir.Path, ResultsFile.FileName)));
        Assert.InRange(row.Lambda!.Value, 1e-4, 1);
        Assert.InRange(row.HeadsReached!.Value, 0, 2);
        Assert.Equal(1, row.HeadsKept);
    }

    [Fact]
    public void TinySweepWritesCsvAndPlotsAndResumeSkipsFinishedRows()
    {
        using var dir = new TempFolder();
        string[] args = ["--task", "nli", "--out", dir.Path, "--methods", "dsp,michel", "--heads", "1,2", "--seeds", "1", "--settings", "pipelined", "--michel_batches", "1", .. TinyModel];
        Assert.Equal(0, CliRunner.Run(["sweep", .. args]).Code);

        string csv = Path.Combine(dir.Path, ResultsFile.FileName);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(string.Join(",", ResultRow.Columns), lines[0]);
        Assert.Equal(
            "task,setting,method,heads_total,heads_kept,per_layer,seed,metric,value,params,params_pruned,train_seconds," +
            "infer_tokens_per_s_masked,infer_tokens_per_s_pruned,kept_per_module,device,preset,mask_steps,t_cool,michel_step,lambda,heads_reached", lines[0]);
        var rows = ResultsFile.Read(csv);
        Assert.Equal(4, rows.Count);
        Assert.Equal(["dsp|1", "dsp|2", "michel|1", "michel|2"], rows.Select(r => $"{r.Method}|{r.HeadsKept}").Order());
        // The protocol values each row was made with: --mask_steps 2, T_cool = round(2/3 x 2), Michel 1 of 2 heads (total/12, at least 1).
        Assert.All(rows.Where(r => r.Method == "dsp"), r => Assert.Equal((2L, 1L, (int?)null), (r.MaskSteps!.Value, r.TCool!.Value, r.MichelStepHeads)));
        Assert.All(rows.Where(r => r.Method == "michel"), r => Assert.Equal((1, (long?)null), (r.MichelStepHeads!.Value, r.MaskSteps)));
        foreach (var r in rows)
        {
            Assert.Equal(2, r.HeadsTotal);
            Assert.Equal(r.HeadsKept, r.KeptModules().Sum(m => m.Kept));
            Assert.InRange(r.Value, 0, 1);
            Assert.True(r.ParamsPruned <= r.Params, $"{r.Method} K={r.HeadsKept}: pruning grew the model");
            Assert.Equal("accuracy", r.Metric);
        }
        // K = 1 of 2 heads removes a head's projections, so the pruned model is strictly smaller.
        Assert.All(rows.Where(r => r.HeadsKept == 1), r => Assert.True(r.ParamsPruned < r.Params));
        foreach (string png in new[] { "quality_vs_heads.png", "kept_heads_by_layer.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir.Path, png));
            Assert.True(bytes.Length > 1000, $"{png} is only {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
        // The trained model of the seed is cached once and shared by the pipelined runs.
        Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, ExperimentRunner.ModelCacheFolder)));

        // Resume: a restarted sweep with one more K runs only the new rows and leaves the finished ones as they were.
        string before = File.ReadAllText(csv);
        var (code, output, _) = CliRunner.Run(["sweep", .. args.Select(a => a == "1,2" ? "1" : a)]);
        Assert.Equal(0, code);
        Assert.Contains("2 already in", output);
        Assert.Contains("0 to run", output);
        Assert.Equal(before, File.ReadAllText(csv));

        // plot redraws from the CSV alone.
        File.Delete(Path.Combine(dir.Path, "quality_vs_heads.png"));
        Assert.Equal(0, CliRunner.Run("plot", csv).Code);
        Assert.True(File.Exists(Path.Combine(dir.Path, "quality_vs_heads.png")));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void ShardsCoverTheGridExactlyOnce(int n)
    {
        var grid = SweepGrid.Build("nli", "quick", Enum.GetValues<PruningSetting>(), Enum.GetValues<PruningMethod>(), [2, 4, 8], [1, 2, 3], false, 12);
        var keys = grid.Select(r => r.Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        var shards = Enumerable.Range(1, n).Select(i => SweepGrid.Shard(grid, i, n).Select(r => r.Key).ToList()).ToList();
        var union = shards.SelectMany(s => s).ToList();
        Assert.Equal(keys.Count, union.Count);
        Assert.Equal(keys.Order(), union.Order());
        Assert.All(shards, s => Assert.InRange(s.Count, keys.Count / n, keys.Count / n + 1));
        // Michel has no joint rows, "none" is one row per setting and seed.
        Assert.DoesNotContain(grid, r => r.Method == PruningMethod.Michel && r.SettingName == "joint");
        Assert.Equal(6, grid.Count(r => r.Method == PruningMethod.None));
    }

    [Fact]
    public void ShardOneAndTwoOfTwoAreTheEvenAndOddRows()
    {
        var grid = SweepGrid.Build("mt", "quick", [PruningSetting.Pipelined], [PruningMethod.Dsp, PruningMethod.Michel], [3, 6], [1], false, 12);
        Assert.Equal([grid[0], grid[2]], SweepGrid.Shard(grid, 1, 2));
        Assert.Equal([grid[1], grid[3]], SweepGrid.Shard(grid, 2, 2));
        Assert.Equal((2, 2), SweepGrid.ParseShard("2/2"));
        Assert.Throws<ArgumentException>(() => SweepGrid.ParseShard("0/2"));
    }

    [Fact]
    public void OverridesChangeOnlyTheNamedSetting()
    {
        var quick = Presets.Get("nli", "quick");
        var changed = quick.WithOverride("tau-end", "1e-4").WithOverride("d_model", "32");
        Assert.Equal(1e-4, changed.TauEnd);
        Assert.Equal(32, changed.DModel);
        Assert.Equal(quick with { TauEnd = 1e-4, DModel = 32, HeadsGrid = quick.HeadsGrid }, changed);
        // Ranges are checked by Validate, which names the option and the range.
        Assert.Equal(["--steps -5: must be >= 0"], quick.WithOverride("steps", "-5").Validate("nli"));
        Assert.Throws<ArgumentException>(() => quick.WithOverride("steps", "many"));
        Assert.Contains("t_cool", ExperimentConfig.Names);
        Assert.Contains("mask_lr", ExperimentConfig.Names);
    }

    [Fact]
    public void AnNliMaxLenBelowItsFloorIsOneProblemNotTwo()
    {
        // `nli --max-len 1` used to print "--max_len 1: must be >= 2; --max_len 1: ... so it must be >= 5": two
        // floors for one setting. For nli the stricter floor (5) is the one to name; mt keeps the generic range.
        var quick = Presets.Get("nli", "quick");
        var problem = Assert.Single(quick.WithOverride("max_len", "1").Validate("nli"));
        Assert.StartsWith("--max_len 1: an nli input packs", problem);
        Assert.Equal(["--max_len 1: must be >= 2"], Presets.Get("mt", "quick").WithOverride("max_len", "1").Validate("mt"));
    }

    [Fact]
    public void InitAndPreNormOverridesParseAndChangeTheModelKey()
    {
        var quick = Presets.Get("nli", "quick");
        var changed = quick.WithOverride("init", "BERT").WithOverride("pre-norm", "false");
        Assert.Equal(NativeDsp.Model.Transformer.InitScheme.Bert, changed.Init);
        Assert.False(changed.PreNorm);
        // A cached pipelined model must not be reused by a run whose weights start or normalise differently.
        Assert.NotEqual(quick.ModelKey(), changed.ModelKey());
        // Anything else names a pretrained source, refused when the model's shape is looked up.
        var error = Assert.Throws<DirectoryNotFoundException>(() => PretrainedEncoders.WithShape(quick.WithOverride("init", "xavier")));
        Assert.Contains("bert, fairseq", error.Message);
        Assert.Equal("7", quick.WithOverride("init", "7").Pretrained);
        Assert.Throws<ArgumentException>(() => quick.WithOverride("pre_norm", "yes"));
    }

    sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("nativedsp-sweep-").FullName;
        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
