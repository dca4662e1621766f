using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Results;
using NativeDsp.Tests.Experiments.Data;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// An MT sweep from the command line on the committed fairseq-layout sample (experiments/data/mt-fairseq-sample:
/// train/valid/test.{es,en}, test gzipped) with a tiny model: the corpus is read from --src/--tgt/--data, the BPE
/// learned on its training side, and the row lands in results.csv; a broken corpus stops with file and line.
/// </summary>
[Collection(ExperimentCommandTests.CliCollection)]
public sealed class MtOwnCorpusCommandTests
{
    static string Sample => Path.Combine(DataPaths.DataRoot(), "mt-fairseq-sample");

    static readonly string[] Tiny =
    [
        "--layers", "1", "--decoder_layers", "1", "--attn_heads", "2", "--d_model", "16", "--ffn", "16", "--steps", "3", // joint runs: no --mask_steps
        "--max_len", "40", "--eval_examples", "8", "--decode_max_len", "8", "--batch", "8", "--device", "host",
    ];

    [Fact]
    public void Mt_sweep_runs_from_the_cli_on_the_fairseq_layout_sample()
    {
        using var dir = new TempDir();
        string[] args = ["sweep", "--task", "mt", "--src", "es", "--tgt", "en", "--data", Sample, "--out", dir.Path,
                         "--methods", "dsp", "--heads", "3", "--seeds", "1", "--settings", "joint", .. Tiny];
        var (code, _, err) = CliRunner.Run(args);
        Assert.True(code == 0, err);
        var row = Assert.Single(ResultsFile.Read(Path.Combine(dir.Path, ResultsFile.FileName)));
        Assert.Equal("bleu", row.Metric);
        Assert.Equal(6, row.HeadsTotal); // (1 encoder + 2 x 1 decoder) modules x 2 heads
        Assert.Equal(3, row.HeadsKept);
        Assert.InRange(row.Value, 0, 100);
        var record = File.ReadAllText(Path.Combine(dir.Path, "config.mt.quick.txt"));
        Assert.Contains($"data=es-en: train {Path.Combine(Sample, "train.es")}", record);
        Assert.Contains("test.en.gz", record);
    }

    [Fact]
    public void Explicit_files_with_unequal_lines_stop_the_command_naming_both_files()
    {
        using var dir = new TempDir();
        var src = dir.Write("my.src", "uno\ndos\ntres\n");
        var tgt = dir.Write("my.tgt", "one\ntwo\n");
        string line = CliRunner.AssertFails(1, ["mt", "--method", "dsp", "--heads", "2", "--out", dir.File("out"), "--train-src", src, "--train-tgt", tgt,
                                                "--test-src", src, "--test-tgt", tgt, .. Tiny]);
        Assert.Contains($"{src} has 3 lines but {tgt} has 2", line);
        Assert.False(Directory.Exists(dir.File("out/runs")), "nothing was run");
    }

    [Theory]
    [InlineData("sweep", "--task", "nli", "--out", "x", "--src", "de", "--tgt", "en")]                     // mt only
    [InlineData("mt", "--method", "dsp", "--heads", "2", "--src", "de")]                                    // --tgt missing
    [InlineData("mt", "--method", "dsp", "--heads", "2", "--src", "de", "--tgt", "en")]                     // no --data
    [InlineData("mt", "--method", "dsp", "--heads", "2", "--train-src", "a", "--train-tgt", "b", "--test-src", "c")] // --test-tgt missing
    [InlineData("mt", "--method", "dsp", "--heads", "2", "--train-src", "a", "--train-tgt", "b", "--test-src", "c", "--test-tgt", "d", "--valid-src", "e")] // half a valid split
    [InlineData("mt", "--method", "dsp", "--heads", "2", "--data", "d", "--train-src", "a", "--train-tgt", "b", "--test-src", "c", "--test-tgt", "d")] // two corpora
    public void Incomplete_or_contradictory_corpus_options_are_usage_errors(params string[] args)
    {
        using var dir = new TempDir();
        CliRunner.AssertFails(2, [.. args.Select(a => a == "x" ? dir.File("x") : a), "--out", dir.File("out")]);
    }
}
