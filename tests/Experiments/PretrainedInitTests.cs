using NativeDsp.Engine;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pretrained;
using NativeDsp.Model.Pretrained.Import;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// `--init minilm|PATH` and the `pretrained` preset: parsing, the shape taken from the checkpoint, clear
/// refusals, and end-to-end runs that start from the pretrained weights (a tiny random BERT written as a
/// Hugging Face safetensors checkpoint, and MiniLM itself for two steps).
/// </summary>
// One collection: the usage checks swap Console.Error, which is process-wide.
[Collection(ExperimentCommandTests.CliCollection)]
public sealed class PretrainedInitTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("nativedsp-init-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Init_names_a_random_scheme_or_a_pretrained_source()
    {
        var quick = Presets.Get("nli", "quick");
        var minilm = quick.WithOverride("init", "minilm");
        Assert.Equal("minilm", minilm.Pretrained);
        Assert.NotEqual(quick.ModelKey(), minilm.ModelKey());
        var back = minilm.WithOverride("init", "fairseq");
        Assert.Equal("", back.Pretrained);
        Assert.Equal(InitScheme.Fairseq, back.Init);
        Assert.Equal("/some/dir", quick.WithOverride("init", "/some/dir").Pretrained);
        Assert.Equal("", minilm.WithOverride("pretrained", "none").Pretrained);
    }

    [Fact]
    public void Pretrained_preset_takes_minilms_shape_and_is_nli_only()
    {
        var config = PretrainedEncoders.WithShape(Presets.Get("nli", "pretrained").WithOverride("layers", "2").WithOverride("pre_norm", "true"));
        Assert.Equal((6, 384, 12, 1536, false), (config.Layers, config.DModel, config.AttnHeads, config.Ffn, config.PreNorm));
        Assert.Equal(72, config.TotalHeads("nli"));
        Assert.Contains(18, config.HeadsGrid);
        Assert.Contains("nli only", Assert.Throws<ArgumentException>(() => Presets.Get("mt", "pretrained")).Message);
    }

    [Theory]
    [InlineData("nli", "--method", "dsp", "--heads", "4", "--init", "/no/such/checkpoint")]           // not a directory
    [InlineData("nli", "--method", "dsp", "--heads", "80", "--preset", "pretrained")]                  // MiniLM has 72 heads
    [InlineData("nli", "--method", "none", "--preset", "pretrained", "--max_len", "600")]              // past 512 positions
    [InlineData("mt", "--method", "dsp", "--heads", "4", "--init", "minilm")]                          // no pretrained MT model
    [InlineData("sweep", "--task", "mt", "--out", "x", "--preset", "pretrained")]                      // preset is nli only
    public void Bad_init_arguments_exit_with_usage(params string[] args) => ExperimentCommandTests.AssertExitsWithUsage(args);

    [Fact]
    public void Checkpoint_directory_without_config_json_is_named()
    {
        string dir = Path.Combine(root, "empty");
        Directory.CreateDirectory(dir);
        string line = CliRunner.AssertFails(2, "nli", "--method", "none", "--init", dir, "--out", Path.Combine(root, "out"));
        Assert.Contains("config.json", line);
        Assert.False(Directory.Exists(Path.Combine(root, "out")));
    }

    /// <summary>A 2-layer x 4-head BERT with random weights and the NLI set's own WordPiece vocabulary, as a HF checkpoint.</summary>
    string WriteTinyCheckpoint()
    {
        var vocab = File.ReadAllLines(Path.Combine(DataPaths.NliDir(), "wordpiece.vocab.txt"));
        var config = new BertConfig(VocabSize: vocab.Length, HiddenSize: 16, Layers: 2, Heads: 4, IntermediateSize: 24,
                                    MaxPositions: 64, TypeVocabSize: 2, LayerNormEps: 1e-12f, PadTokenId: 0);
        var weights = NativeDsp.Tests.Model.Pretrained.RandomBertWeights.For(config, seed: 5, scale: 0.2f);
        string dir = Path.Combine(root, "tiny-bert");
        SafetensorsBertCheckpoint.Write(new PretrainedBert(config, weights, vocab, "tiny"), dir);
        return dir;
    }

    [Fact]
    public void Init_path_builds_the_classifier_from_the_checkpoint_weights()
    {
        string dir = WriteTinyCheckpoint();
        var checkpoint = SafetensorsBertCheckpoint.Read(dir);
        var config = PretrainedEncoders.WithShape(Presets.Get("nli", "quick").WithOverride("init", dir).WithOverride("max_len", "48")
            .WithOverride("train_examples", "16").WithOverride("eval_examples", "8"));
        Assert.Equal((2, 16, 4, 24), (config.Layers, config.DModel, config.AttnHeads, config.Ffn));
        var experiment = new NliExperiment(config, null);
        using var device = new Device(TestBackends.Host);
        using var model = experiment.BuildModel(device, seed: 3);
        var state = model.StateDict();
        foreach (var t in BertLayout.Encoder(checkpoint.Config))
            Assert.Equal(checkpoint.Weights[t.HfName].Data, state[t.OurName].Data);
        // The tokenizer is the checkpoint's: the same vocabulary as the data's here, so the ids agree.
        Assert.NotEmpty(experiment.Train[0].Premise);

        // A config whose shape disagrees with the checkpoint is refused, naming both.
        var wrong = config with { Layers = 3 };
        var e = Assert.Throws<ArgumentException>(() => new NliExperiment(wrong, null));
        Assert.Contains("2 layers", e.Message);
        Assert.Contains("3 x 4", e.Message);
    }

    [Fact]
    public void Init_path_fine_tunes_and_prunes_end_to_end()
    {
        string dir = WriteTinyCheckpoint();
        string outDir = Path.Combine(root, "out");
        string[] args = ["--method", "dsp", "--heads", "3", "--init", dir, "--steps", "3", "--train_examples", "64",
                         "--eval_examples", "16", "--batch", "8", "--max_len", "48", "--device", "host", "--out", outDir];
        Assert.Equal(0, CliRunner.Run(["nli", .. args]).Code);
        var row = Assert.Single(ResultsFile.Read(Path.Combine(outDir, ResultsFile.FileName)));
        Assert.Equal((8, 3), (row.HeadsTotal, row.HeadsKept));
        Assert.True(row.ParamsPruned < row.Params);
        Assert.Contains($"pretrained={dir}", File.ReadAllText(RunConfigRecord.PathFor(outDir, "nli", "quick")));

        // The same folder with other settings is refused instead of mixing two configs in one table.
        string before = File.ReadAllText(Path.Combine(outDir, ResultsFile.FileName));
        Assert.Contains("lr=", CliRunner.AssertFails(2, ["nli", .. args[..^2], "--out", outDir, "--lr", "0.01"]));
        Assert.Equal(before, File.ReadAllText(Path.Combine(outDir, ResultsFile.FileName)));
    }

    [Fact]
    public void MiniLm_preset_runs_dsp_end_to_end()
    {
        string outDir = Path.Combine(root, "minilm");
        Assert.Equal(0, CliRunner.Run(["nli", "--preset", "pretrained", "--method", "dsp", "--heads", "18", "--setting", "pipelined", "--steps", "2",
                                        "--mask_steps", "2", "--train_examples", "16", "--eval_examples", "8", "--batch", "4", "--max_len", "32",
                                        "--device", "host", "--out", outDir]).Code);
        var row = Assert.Single(ResultsFile.Read(Path.Combine(outDir, ResultsFile.FileName)));
        Assert.Equal((72, 18, "pretrained"), (row.HeadsTotal, row.HeadsKept, row.Preset));
        // 22.7M parameters (the encoder's 22.71M + pooler + a 3-way head); 54 heads' q, k, v, o slices removed.
        Assert.InRange(row.Params, 22_700_000, 22_750_000);
        Assert.Equal(54 * 4 * 32 * 384 + 54 * 3 * 32, row.Params - row.ParamsPruned);
    }
}
