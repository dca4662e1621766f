using NativeDsp.Experiments.Results;
using NativeDsp.Kernels.Ilgpu;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// The command line's contract: every verb answers --help with exit 0; every documented error path exits
/// with its code (2 usage, 1 bad input or environment) and one line on stderr naming the verb, without a
/// stack trace, and leaves no file in the --out folder (checks run before any work; the settings record is
/// written with the first row). Drives Program.Main in-process.
/// </summary>
[Collection(ExperimentCommandTests.CliCollection)]
public sealed class CliErrorTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("nativedsp-cli-").FullName;

    /// <summary>A folder that does not exist yet: a failed command must not create it or write into it.</summary>
    string Out => Path.Combine(root, "out");

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("sweep")]
    [InlineData("nli")]
    [InlineData("mt")]
    [InlineData("plot")]
    [InlineData("topk")]
    [InlineData("device")]
    [InlineData("data")]
    [InlineData("data", "build")]
    [InlineData("data", "build", "mt")]
    [InlineData("data", "build", "nli")]
    [InlineData("data", "stats")]
    [InlineData("bleu")]
    [InlineData("train-demo")]
    public void EveryVerbAnswersHelp(params string[] verb)
    {
        var (code, output, error) = CliRunner.Run([.. verb, "--help"]);
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("Usage:", output);
        Assert.Contains($"nativedsp {string.Join(" ", verb)}", output);
        // The top-level help lists the verb.
        Assert.Contains(verb[0], CliRunner.Run("--help").Out);
    }

    [Fact]
    public void SweepHelpListsTheGeneratedSettingOverrides()
    {
        string help = CliRunner.Run("sweep", "--help").Out;
        foreach (string name in NativeDsp.Experiments.Runs.ExperimentConfig.Names) Assert.Contains($"--{name} ", help.Replace(",", " "));
        Assert.Contains("in [0, 1)", help);
        Assert.Contains("dsp,ste,voita,michel,none", help);
    }

    [Theory]
    // The parser: unknown verb, unknown option, missing required option, bad enum values, values of the wrong type.
    [InlineData(2, "unknown command 'frobnicate'", "frobnicate")]
    [InlineData(2, "'--bogus'", "nli", "--method", "dsp", "--heads", "2", "--bogus", "1", "--out", "{out}")]
    [InlineData(2, "--task", "sweep", "--out", "{out}")]
    [InlineData(2, "--method", "nli", "--heads", "2", "--out", "{out}")]
    [InlineData(2, "--method 'magic': expected one of dsp, ste, voita, michel, none", "nli", "--method", "magic", "--heads", "2", "--out", "{out}")]
    [InlineData(2, "--setting 'both'", "mt", "--method", "dsp", "--setting", "both", "--heads", "2", "--out", "{out}")]
    [InlineData(2, "--preset 'huge'", "nli", "--method", "dsp", "--heads", "2", "--preset", "huge", "--out", "{out}")]
    [InlineData(2, "--methods 'magic'", "sweep", "--task", "nli", "--methods", "dsp,magic", "--out", "{out}")]
    [InlineData(2, "--tau0 must be a number, got 'hot'", "nli", "--method", "dsp", "--heads", "2", "--tau0", "hot", "--out", "{out}")]
    [InlineData(2, "'maybe'", "nli", "--method", "dsp", "--heads", "2", "--per-layer=maybe", "--out", "{out}")]
    [InlineData(2, "--on-bad-line 'ignore'", "data", "stats", "nli", "--on-bad-line", "ignore")]
    // Rules between options the parser cannot see.
    [InlineData(2, "--heads K is required", "nli", "--method", "dsp", "--out", "{out}")]
    [InlineData(2, "--heads 99: the quick nli model has 12 heads", "nli", "--method", "dsp", "--heads", "99", "--out", "{out}")]
    [InlineData(2, "--heads '0'", "nli", "--method", "dsp", "--heads", "0", "--out", "{out}")]
    [InlineData(2, "--setting pipelined", "nli", "--method", "michel", "--setting", "joint", "--heads", "2", "--out", "{out}")]
    [InlineData(2, "nli only", "mt", "--method", "dsp", "--heads", "2", "--init", "minilm", "--out", "{out}")]
    // Every setting's range, named as the option, checked before any data is read.
    [InlineData(2, "--tau0 0: must be > 0", "nli", "--method", "dsp", "--heads", "2", "--tau0", "0", "--out", "{out}")]
    [InlineData(2, "--dropout 1.5: must be in [0, 1)", "nli", "--method", "dsp", "--heads", "2", "--dropout", "1.5", "--out", "{out}")]
    [InlineData(2, "--method none keeps every head", "nli", "--method", "none", "--heads", "3", "--out", "{out}")]
    [InlineData(2, "a joint dsp run learns the mask while it trains the model", "nli", "--method", "dsp", "--heads", "2", "--steps", "0", "--out", "{out}")]
    [InlineData(2, "--batch 0: must be >= 1", "nli", "--method", "dsp", "--heads", "2", "--batch", "0", "--out", "{out}")]
    [InlineData(2, "--d_model 0: must be >= 1", "nli", "--method", "dsp", "--heads", "2", "--d_model", "0", "--out", "{out}")]
    [InlineData(2, "--attn_heads 5: must divide --d_model 64", "nli", "--method", "dsp", "--heads", "2", "--attn_heads", "5", "--out", "{out}")]
    [InlineData(2, "--max_len 4: an nli input packs", "nli", "--method", "dsp", "--heads", "2", "--max_len", "4", "--out", "{out}")]
    [InlineData(2, "--max_len 1: must be >= 2", "mt", "--method", "dsp", "--heads", "2", "--max_len", "1", "--out", "{out}")]
    [InlineData(2, "--lr 1000000: must be in (0, 1]", "nli", "--method", "dsp", "--heads", "2", "--lr", "1e6", "--out", "{out}")]
    [InlineData(2, "--lr 0: must be in (0, 1]", "nli", "--method", "dsp", "--heads", "2", "--lr", "0", "--out", "{out}")]
    [InlineData(2, "--lr NaN: must be in (0, 1]", "nli", "--method", "dsp", "--heads", "2", "--lr", "NaN", "--out", "{out}")]
    [InlineData(2, "--mask_lr 100: must be in (0, 10]", "nli", "--method", "dsp", "--heads", "2", "--mask-lr", "100", "--out", "{out}")]
    [InlineData(2, "--steps -1: must be >= 0", "nli", "--method", "dsp", "--heads", "2", "--steps", "-1", "--out", "{out}")]
    [InlineData(2, "--label_smoothing 1: must be in [0, 1)", "nli", "--method", "dsp", "--heads", "2", "--label_smoothing", "1", "--out", "{out}")]
    [InlineData(2, "--michel_step 0: must be in (0, 1]", "nli", "--method", "michel", "--heads", "2", "--michel_step", "0", "--out", "{out}")]
    [InlineData(2, "--tau_end 10: must be <= --tau0 1", "nli", "--method", "dsp", "--heads", "2", "--tau0", "1", "--tau_end", "10", "--out", "{out}")]
    [InlineData(2, "--decoder_layers 0: an mt model needs at least 1", "mt", "--method", "dsp", "--heads", "2", "--decoder_layers", "0", "--out", "{out}")]
    [InlineData(2, "--dropout 2: must be in [0, 1)", "sweep", "--task", "mt", "--dropout", "2", "--out", "{out}")]
    // A unit method in an mt head sweep used to start the sweep and fail every run (exit 1): refused before any work, as `mt --method gradrank` is.
    [InlineData(2, "--methods gradrank: unit pruning (gradrank, smp, mlpruning, snip) is nli only", "sweep", "--task", "mt", "--methods", "dsp,gradrank", "--out", "{out}")]
    [InlineData(2, "--methods snip: unit pruning", "sweep", "--task", "mt", "--methods", "snip", "--heads", "2", "--out", "{out}")]
    // Devices: an unknown name is a usage error, a known one that is not here a plain failure (see CudaWithoutCuda...).
    [InlineData(2, "'tpu': expected one of auto, host, cuda, opencl, ilgpu-cpu", "device", "tpu")]
    [InlineData(2, "nativedsp device: --device 'tpu': expected one of auto, host, cuda, opencl, ilgpu-cpu", "device", "--device", "tpu")]
    [InlineData(2, "DEVICE 'host' and --device 'cuda' disagree: give one", "device", "host", "--device", "cuda")]
    [InlineData(2, "--device 'tpu'", "nli", "--method", "dsp", "--heads", "2", "--device", "tpu", "--out", "{out}")]
    // Files named on the command line.
    [InlineData(2, "--init /no/such/checkpoint: not bert, fairseq", "nli", "--method", "dsp", "--heads", "2", "--init", "/no/such/checkpoint", "--out", "{out}")]
    [InlineData(1, "/no/such/data", "nli", "--method", "dsp", "--heads", "2", "--device", "host", "--data", "/no/such/data", "--out", "{out}")]
    [InlineData(2, "File does not exist", "plot", "/no/such/results.csv")]
    [InlineData(2, "at least one reference file", "bleu", "/no/such/hyp.txt")]
    [InlineData(1, "/no/such/hyp.txt: file not found", "bleu", "/no/such/ref.txt", "/no/such/hyp.txt")]
    [InlineData(2, "--steps 0: must be >= 1", "train-demo", "--steps", "0")]
    [InlineData(2, "--resume needs --checkpoints", "train-demo", "--resume")]
    [InlineData(2, "--k must be in [1, 3]", "topk", "--logits", "1,2,3", "--k", "4", "--tau", "1")]
    public void ErrorPathsPrintOneLineAndExitWithTheirCode(int code, string message, params string[] args)
    {
        string line = CliRunner.AssertFails(code, args.Select(a => a == "{out}" ? Out : a).ToArray());
        Assert.Contains(message, line);
        Assert.StartsWith(args[0] == "frobnicate" ? "nativedsp: " : $"nativedsp {args[0]}", line);
        Assert.False(Directory.Exists(Out), $"a failed command wrote {string.Join(", ", Directory.Exists(Out) ? Directory.GetFileSystemEntries(Out) : [])}");
    }

    [Fact]
    public void UsageErrorsPointToHelp() =>
        Assert.EndsWith("(see 'nativedsp nli --help')", CliRunner.AssertFails(2, "nli", "--method", "dsp", "--heads", "2", "--dropout", "1.5", "--out", Out));

    [Fact]
    public void AnExistingFileAsOutIsRefusedAndLeftAlone()
    {
        string file = Path.Combine(root, "results-here");
        File.WriteAllText(file, "keep");
        foreach (var args in new[] { new[] { "nli", "--method", "dsp", "--heads", "2" }, ["sweep", "--task", "nli"], ["mt", "--method", "none"] })
            Assert.Contains($"--out {file}: is a file", CliRunner.AssertFails(2, [.. args, "--out", file]));
        Assert.Equal("keep", File.ReadAllText(file));
    }

    [Fact]
    public void CudaWithoutCudaIsOneLineAndExitOne()
    {
        using var cuda = IlgpuKernels.TryCreateCuda(out _);
        if (cuda is not null)
        {
            // A CUDA machine: the device is there, and the command says so.
            Assert.Equal(0, CliRunner.Run("device", "cuda").Code);
            return;
        }
        Assert.Contains("cuda", CliRunner.AssertFails(1, "device", "cuda"));
        Assert.Contains("cuda", CliRunner.AssertFails(1, "nli", "--method", "dsp", "--heads", "2", "--device", "cuda", "--out", Out));
        Assert.False(Directory.Exists(Out));
    }

    /// <summary>The run line echoes the parsed flag; the run then stops at the missing data (exit 1, nothing written).</summary>
    [Theory]
    [InlineData("--per-layer", true)]
    [InlineData("--per-layer=true", true)]
    [InlineData("--per-layer=false", false)]
    [InlineData("--per-layer false", false)]
    [InlineData("", false)]
    public void PerLayerFlagParsesItsValue(string flag, bool expected)
    {
        var (code, output, _) = CliRunner.Run(["nli", "--method", "dsp", "--heads", "2", .. flag.Split(' ', StringSplitOptions.RemoveEmptyEntries),
                                               "--device", "host", "--data", "/no/such/data", "--out", Out]);
        Assert.Equal(1, code);
        string run = output.Split('\n').Single(l => l.StartsWith("run: ", StringComparison.Ordinal));
        Assert.Equal(expected, run.Contains("per-layer"));
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void VerboseAddsTheStackTraceOfAnExpectedFailure()
    {
        string[] args = ["nli", "--method", "dsp", "--heads", "2", "--device", "host", "--data", "/no/such/data", "--out", Out];
        foreach (string[] withVerbose in new string[][] { ["--verbose", .. args], [.. args, "--verbose"] })
        {
            var (code, _, error) = CliRunner.Run(withVerbose);
            Assert.Equal(1, code);
            Assert.StartsWith("nativedsp nli: ", error);
            Assert.Contains(error.Split('\n'), l => l.StartsWith("   at ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AFailedRunLeavesNoSettingsRecordSoTheCorrectedCommandRuns()
    {
        // A settings record without rows (as an older version left after a failure) binds nothing.
        Directory.CreateDirectory(Out);
        File.WriteAllText(RunConfigRecord.PathFor(Out, "nli", "quick"), "batch=0\n");
        var config = NativeDsp.Experiments.Runs.Presets.Get("nli", "quick");
        Assert.Null(RunConfigRecord.Conflict(Out, "nli", "quick", config));
        // With a row of that task and preset, other settings are refused, naming the difference.
        var row = new ResultRow { Task = "nli", Setting = "joint", Method = "none", HeadsTotal = 12, HeadsKept = 12, Seed = 1, Metric = "accuracy", Preset = "quick" };
        ResultsFile.Append(Path.Combine(Out, ResultsFile.FileName), row);
        Assert.Contains("batch=0 there, 16 now", RunConfigRecord.Conflict(Out, "nli", "quick", config));
        // Rows of another preset do not bind this one.
        Assert.Null(RunConfigRecord.Conflict(Out, "nli", "full", NativeDsp.Experiments.Runs.Presets.Get("nli", "full")));
    }

    [Fact]
    public void ASweepWhoseRunsAllFailPrintsNoPathThatDoesNotExist()
    {
        var (code, output, error) = CliRunner.Run("sweep", "--task", "nli", "--methods", "none", "--seeds", "1", "--settings", "joint",
                                                  "--device", "host", "--data", "/no/such/data", "--out", Out);
        Assert.Equal(1, code);
        Assert.Contains("run failed", error);
        Assert.DoesNotContain(".png", output);
        Assert.DoesNotContain(ResultsFile.FileName, output.Split('\n').Where(l => !l.StartsWith("sweep:", StringComparison.Ordinal)));
        Assert.Contains("no results in", output);
        Assert.False(Directory.Exists(Out));
    }
}
