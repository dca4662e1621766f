using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// Issue 19 item 3: `nli --train FILE --valid FILE --test FILE` with files as users have them (here the GLUE SNLI
/// rows of case glue-snli-rows), no renaming into a --data folder; errors name the file and line.
/// </summary>
[Collection(ExperimentCommandTests.CliCollection)]
public sealed class NliFileOptionsTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("nativedsp-nlifiles-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    static string CaseFile(string name) => Path.Combine(HandedCases.Dir("glue-snli-rows"), "data", name);

    static ExperimentConfig Quick(params (string Name, string Value)[] settings) =>
        settings.Aggregate(Presets.Get("nli", "quick").WithOverride("max_len", "32"), (c, s) => c.WithOverride(s.Name, s.Value));

    [Fact]
    public void Named_glue_files_are_read_and_a_vocabulary_is_learnt_on_the_training_file()
    {
        var config = Quick(("train", CaseFile("train.tsv")), ("test", CaseFile("test.tsv")));
        var experiment = new NliExperiment(config, null);
        Assert.Equal(4, experiment.Train.Count);
        Assert.Equal(4, experiment.Test.Count);
        Assert.Equal([0, 0, 1, 2], experiment.Train.Select(i => i.Label).Order()); // 2 entailment, 1 neutral, 1 contradiction
        // The learnt vocabulary covers the training words: no [UNK] (id 1) in the training pairs.
        Assert.DoesNotContain(experiment.Train, i => i.Premise.Contains(1) || i.Hypothesis.Contains(1));
        // Gzipped files of another format read the same way; --valid scores when --test is absent.
        var valid = new NliExperiment(Quick(("train", CaseFile("nli/lexnli.train.tsv.gz")), ("valid", CaseFile("nli/lexnli.valid.tsv.gz"))), null);
        Assert.Equal(4, valid.Test.Count);
        Assert.Contains("train=", config.ModelKey()); // a cached model is never reused across training files
    }

    [Fact]
    public void Incomplete_or_bad_files_are_refused_naming_them()
    {
        Assert.Contains("need --train", Assert.Throws<ArgumentException>(() => new NliExperiment(Quick(("test", CaseFile("test.tsv"))), null)).Message);
        Assert.Contains("needs --test", Assert.Throws<ArgumentException>(() => new NliExperiment(Quick(("train", CaseFile("train.tsv"))), null)).Message);
        string bad = Path.Combine(root, "bad.jsonl");
        File.WriteAllText(bad, "{\"gold_label\": \"entailment\", \"sentence1\": \"a\", \"sentence2\": \"b\"}\n{\"gold_label\": \"entailment\"\n");
        var e = Assert.Throws<DataInputException>(() => new NliExperiment(Quick(("train", bad), ("test", CaseFile("test.tsv"))), null));
        Assert.StartsWith($"{bad}:2: bad JSON", e.Message);
        Assert.Throws<DataInputException>(() => new NliExperiment(Quick(("train", Path.Combine(root, "none.tsv")), ("test", CaseFile("test.tsv"))), null));
    }

    [Fact]
    public void Nli_command_runs_on_named_files_end_to_end()
    {
        string outDir = Path.Combine(root, "out");
        string[] args = ["nli", "--method", "dsp", "--heads", "2", "--train", CaseFile("train.tsv"), "--valid", CaseFile("valid.tsv"), "--test", CaseFile("test.tsv"),
                         "--layers", "1", "--d_model", "16", "--attn_heads", "4", "--ffn", "16", "--steps", "2",
                         "--batch", "4", "--max_len", "32", "--device", "host", "--out", outDir];
        var (code, _, err) = CliRunner.Run(args);
        Assert.True(code == 0, err);
        var row = Assert.Single(ResultsFile.Read(Path.Combine(outDir, ResultsFile.FileName)));
        Assert.Equal((4, 2), (row.HeadsTotal, row.HeadsKept));
        Assert.Contains($"train={CaseFile("train.tsv")}", File.ReadAllText(RunConfigRecord.PathFor(outDir, "nli", "quick")));
        Assert.Contains("read and checked", err); // --valid with --test: said, not silently dropped
    }

    [Fact]
    public void Command_line_misuse_of_the_file_options_is_a_usage_error()
    {
        Assert.Contains("needs --train", CliRunner.AssertFails(2, "nli", "--method", "none", "--test", CaseFile("test.tsv"), "--out", Path.Combine(root, "o1")));
        Assert.Contains("needs --test", CliRunner.AssertFails(2, "nli", "--method", "none", "--train", CaseFile("train.tsv"), "--out", Path.Combine(root, "o2")));
        Assert.Contains("mt reads its corpus", CliRunner.AssertFails(2, "mt", "--method", "none", "--train", CaseFile("train.tsv"), "--test", CaseFile("test.tsv"), "--out", Path.Combine(root, "o3")));
        string missing = Path.Combine(root, "missing.tsv");
        Assert.Contains(missing, CliRunner.AssertFails(1, "nli", "--method", "none", "--train", missing, "--test", CaseFile("test.tsv"), "--device", "host", "--out", Path.Combine(root, "o4")));
    }
}
