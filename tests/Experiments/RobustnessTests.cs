using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Experiments.Commands;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Mt;
using NativeDsp.Experiments.Data.Nli;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Experiments.Tokenization;
using NativeDsp.Model.Pretrained;
using NativeDsp.Model.Pretrained.Import;
using NativeDsp.Experiments.Pruning;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Training;
using NativeDsp.Tests.Experiments.Data;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// Failures a user can act on (issue 16): damaged or empty inputs are refused naming the file, a diverged run
/// stops and writes no row, results.csv is read strictly, a failed write leaves no temporary file, a sweep whose
/// first runs fail alike stops, and the model cache gives the same row as training in the same process.
/// </summary>
// One collection with the CLI tests: the sweep test swaps Console.Out/Error, which are process-wide.
[Collection(ExperimentCommandTests.CliCollection)]
public sealed class RobustnessTests : IDisposable
{
    readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    // ------------------------------------------------------------------ inputs

    [Theory]
    [InlineData(BadLinePolicy.Error)]
    [InlineData(BadLinePolicy.Skip)]
    public void TruncatedGzipIsRefusedNamingTheFile(BadLinePolicy policy)
    {
        var lines = TinyData.Head("nli", "lexnli.train.tsv.gz", 3001);
        var full = TinyData.Gzip(lines);
        string complete = temp.File("complete.tsv.gz"), cut = temp.File("cut.tsv.gz");
        File.WriteAllBytes(complete, full);
        Assert.Equal(3000, NliReader.Read(complete, new BadLineLog(policy)).Examples.Count);

        // Cut in the middle of the compressed data (an interrupted download), and just before the trailer's length.
        foreach (int length in new[] { full.Length / 2, full.Length - 4 })
        {
            File.WriteAllBytes(cut, full[..length]);
            var e = Assert.Throws<DataInputException>(() => NliReader.Read(cut, new BadLineLog(policy)));
            Assert.StartsWith($"{cut}: truncated gzip stream after ", e.Message);
            Assert.Contains(" lines", e.Message);
        }
        // The MT reader goes through the same line reader.
        var mt = TinyData.Gzip(TinyData.Head("mt", "es-en.train.tsv.gz", 500));
        string mtCut = temp.File("cut.es-en.tsv.gz");
        File.WriteAllBytes(mtCut, mt[..(mt.Length * 2 / 3)]);
        Assert.Contains("truncated gzip stream", Assert.Throws<DataInputException>(() => ParallelTsv.Read(mtCut, new BadLineLog(policy))).Message);
    }

    [Fact]
    public void EmptySplitsAreRefusedNamingTheFile()
    {
        var config = Presets.Get("nli", "quick").WithOverride("train_examples", "16").WithOverride("eval_examples", "8");
        string root = TinyData.Nli(temp.File("nli-empty-test"));
        string test = Path.Combine(root, "nli", "lexnli.test.tsv.gz");
        File.WriteAllBytes(test, TinyData.Gzip(TinyData.Head("nli", "lexnli.test.tsv.gz", 1)));
        var e = Assert.Throws<DataInputException>(() => new NliExperiment(config, root));
        Assert.StartsWith($"{test}: the split has no labelled examples", e.Message);

        var mtConfig = Presets.Get("mt", "quick").WithOverride("train_examples", "16").WithOverride("eval_examples", "8");
        string mtRoot = TinyData.Mt(temp.File("mt-empty-train"));
        string train = Path.Combine(mtRoot, "mt", "es-en.train.tsv.gz");
        File.WriteAllBytes(train, TinyData.Gzip(TinyData.Head("mt", "es-en.train.tsv.gz", 1)));
        e = Assert.Throws<DataInputException>(() => new MtExperiment(mtConfig, mtRoot));
        Assert.StartsWith($"{train}: the split has no sentence pairs", e.Message);

        // Pairs that exist but do not fit max_len are named as such, not as an empty file.
        string fitRoot = TinyData.Mt(temp.File("mt-max-len"));
        e = Assert.Throws<DataInputException>(() => new MtExperiment(mtConfig.WithOverride("max_len", "2"), fitRoot));
        Assert.Contains("raise --max_len", e.Message);
        Assert.Contains("es-en.train.tsv.gz", e.Message);
    }

    [Fact]
    public void VocabularyWithoutSpecialTokensIsRefusedNamingTheFile()
    {
        string vocab = temp.Write("vocab.txt", "[PAD]\n[UNK]\n[SEP]\nthe\ncat\n");
        var e = Assert.Throws<ExpectedFailureException>(() => WordPieceSubwordTokenizer.Load(vocab));
        Assert.StartsWith($"{vocab}: the WordPiece vocabulary lacks [CLS]", e.Message);

        // A Hugging Face checkpoint directory whose vocab.txt lacks [SEP] and [PAD].
        string dir = WriteTinyBert("bert-no-sep", ["[UNK]", "[CLS]", .. Enumerable.Range(0, 38).Select(i => $"w{i}")]);
        e = Assert.Throws<ExpectedFailureException>(() => SafetensorsBertCheckpoint.Read(dir));
        Assert.StartsWith($"{Path.Combine(dir, "vocab.txt")}: the WordPiece vocabulary lacks [SEP], [PAD]", e.Message);
    }

    [Fact]
    public void NonFiniteWeightsAreRefusedOnLoadNamingTheTensor()
    {
        string dir = WriteTinyBert("bert-nan", ["[PAD]", "[UNK]", "[CLS]", "[SEP]", .. Enumerable.Range(0, 36).Select(i => $"w{i}")],
                                   poison: "encoder.layer.1.attention.self.query.weight");
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsBertCheckpoint.Read(dir));
        Assert.Contains("tensor 'encoder.layer.1.attention.self.query.weight' holds 1 non-finite value", e.Message);
        Assert.Contains("model.safetensors", e.Message);

        // The project's own training checkpoints.
        string path = temp.File("last.safetensors");
        new TrainingCheckpoint
        {
            Step = 3,
            Modules = new() { ["model"] = new() { ["w"] = new HostTensor(new Shape(2, 2), [1f, float.PositiveInfinity, 3f, float.NaN]) } },
            Schedule = "constant",
            Data = new DataOrderState(0, 0, 1, 4),
        }.Save(path);
        e = Assert.Throws<SafetensorsFormatException>(() => TrainingCheckpoint.Load(path));
        Assert.Contains("tensor 'model.w' holds 2 non-finite values (the first, at flat index 1, is", e.Message);
    }

    /// <summary>A 2-layer BERT with random weights as a Hugging Face checkpoint directory, one weight optionally holding a NaN.</summary>
    string WriteTinyBert(string name, string[] vocab, string? poison = null)
    {
        var config = new BertConfig(VocabSize: Math.Max(40, vocab.Length), HiddenSize: 16, Layers: 2, Heads: 4, IntermediateSize: 24,
                                    MaxPositions: 20, TypeVocabSize: 2, LayerNormEps: 1e-12f, PadTokenId: 0);
        var weights = NativeDsp.Tests.Model.Pretrained.RandomBertWeights.For(config, seed: 3, scale: 0.2f);
        string dir = temp.File(name);
        // MaxPositions 20 fits the CLI tests' --max_len 20.
        SafetensorsBertCheckpoint.Write(new PretrainedBert(config, weights, ["[PAD]", "[UNK]", "[CLS]", "[SEP]"], "tiny"), dir);
        File.WriteAllLines(Path.Combine(dir, "vocab.txt"), vocab);
        if (poison is not null)
        {
            var poisoned = weights.ToDictionary(kv => kv.Key, kv => kv.Key == poison ? kv.Value with { Data = [float.NaN, .. kv.Value.Data[1..]] } : kv.Value);
            SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), poisoned);
        }
        return dir;
    }

    // ------------------------------------------------------------------ divergence

    [Fact]
    public void DivergedRunWritesNoRowAndNamesTheLearningRate()
    {
        string root = TinyData.Nli(temp.File("data"));
        string outDir = temp.File("out");
        var config = Tiny(Presets.Get("nli", "quick")).WithOverride("lr", "1e6").WithOverride("steps", "40").WithOverride("warmup", "0");
        using var device = new Device(TestBackends.Host);
        string csv = Path.Combine(outDir, ResultsFile.FileName);
        var context = new RunContext(device, outDir, TextWriter.Null, root) { SaveArtifacts = true, RecordRow = r => ResultsFile.Append(csv, r) };
        var spec = new RunSpec("nli", PruningSetting.Joint, PruningMethod.Dsp, 1, false, 1, "quick");
        var e = Assert.Throws<TrainingDivergedException>(() => ExperimentRunner.Run(spec, config, context));
        Assert.Contains("training diverged at step", e.Message);
        Assert.Contains("--lr is 1000000", e.Message);
        Assert.Contains("no result row was written", e.Message);
        Assert.False(File.Exists(csv));
        // Nothing is left behind: the run's checkpoints could only be resumed by the same, diverging, settings.
        Assert.False(Directory.Exists(Path.Combine(outDir, "runs")));
    }

    // ------------------------------------------------------------------ results.csv

    [Fact]
    public void ResultsCsvIsReadStrictlyNamingFileAndLine()
    {
        var row = new ResultRow
        {
            Task = "nli", Setting = "joint", Method = "dsp", HeadsTotal = 2, HeadsKept = 1, Seed = 1, Metric = "accuracy", Value = 0.5,
            Params = 10, ParamsPruned = 8, KeptPerModule = "enc 0=1", Device = "host", Preset = "quick",
        };
        string csv = temp.File(ResultsFile.FileName);
        ResultsFile.Write(csv, [row, new ResultRow
        {
            Task = row.Task, Setting = row.Setting, Method = row.Method, HeadsTotal = row.HeadsTotal, HeadsKept = 2, Seed = row.Seed,
            Metric = row.Metric, Value = row.Value, Params = row.Params, ParamsPruned = row.ParamsPruned, KeptPerModule = row.KeptPerModule,
            Device = row.Device, Preset = row.Preset,
        }]);
        Assert.Equal(2, ResultsFile.Read(csv).Count);
        var lines = File.ReadAllLines(csv);

        // A row cut short (line 3).
        File.WriteAllLines(csv, [lines[0], lines[1], string.Join(",", lines[2].Split(',')[..9])]);
        var e = Assert.Throws<ExpectedFailureException>(() => ResultsFile.Read(csv));
        Assert.StartsWith($"{csv}:3: malformed row", e.Message);

        // A value that is not a number (line 2).
        File.WriteAllLines(csv, [lines[0], lines[1].Replace(",0.5,", ",zero point five,"), lines[2]]);
        e = Assert.Throws<ExpectedFailureException>(() => ResultsFile.Read(csv));
        Assert.StartsWith($"{csv}:2: malformed row (column value", e.Message);

        // An empty text column.
        File.WriteAllLines(csv, [lines[0], lines[1], lines[2].Replace(",accuracy,", ",,")]);
        e = Assert.Throws<ExpectedFailureException>(() => ResultsFile.Read(csv));
        Assert.StartsWith($"{csv}:3: malformed row (column metric is empty)", e.Message);
    }

    [Fact]
    public void FailedResultsWriteLeavesNoTemporaryFile()
    {
        string csv = temp.File(ResultsFile.FileName);
        static IEnumerable<ResultRow> Failing()
        {
            yield return new ResultRow { Task = "nli", Setting = "joint", Method = "dsp", Metric = "accuracy", Device = "host", Preset = "quick" };
            throw new IOException("No space left on device");
        }
        Assert.Throws<IOException>(() => ResultsFile.Write(csv, Failing()));
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void RowIsRecordedBeforeTheModelFileAndAFailedWriteLeavesNoTemporaryFile()
    {
        string root = TinyData.Nli(temp.File("data"));
        string outDir = temp.File("out");
        var spec = new RunSpec("nli", PruningSetting.Joint, PruningMethod.Dsp, 1, false, 1, "quick");
        string runDir = Path.Combine(outDir, "runs", spec.Key.Replace('|', '_'));
        // A folder where the model file goes makes its write fail, as a full disk would, after the run is computed.
        Directory.CreateDirectory(Path.Combine(runDir, PruningRun.PrunedModelFile));
        string csv = Path.Combine(outDir, ResultsFile.FileName);
        using var device = new Device(TestBackends.Host);
        var context = new RunContext(device, outDir, TextWriter.Null, root) { SaveArtifacts = true, RecordRow = r => ResultsFile.Append(csv, r) };
        Assert.ThrowsAny<IOException>(() => ExperimentRunner.Run(spec, Tiny(Presets.Get("nli", "quick")), context));
        Assert.Equal(spec.Key, ResultsFile.Read(csv).Single().Key);
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp*", SearchOption.AllDirectories));
    }

    // ------------------------------------------------------------------ sweeps

    [Fact]
    public void SweepStopsWhenItsFirstRunsFailAlikeAndPrintsOnlyOutputsThatExist()
    {
        string root = TinyData.Nli(temp.File("data"));
        File.WriteAllBytes(Path.Combine(root, "nli", "lexnli.train.tsv.gz"), TinyData.Gzip(TinyData.Head("nli", "lexnli.train.tsv.gz", 1)));
        string outDir = temp.File("out");
        var (code, output, error) = CliRunner.Run(
            ["sweep", "--task", "nli", "--out", outDir, "--data", root, "--methods", "dsp,ste", "--heads", "1,2", "--seeds", "1,2", "--settings", "joint", .. TinyArgs]);
        Assert.Equal(1, code);
        Assert.Equal(SweepCommand.RepeatedFailuresToStop, error.Split('\n').Count(l => l.Contains("run failed:")));
        Assert.Contains($"sweep stopped: its first {SweepCommand.RepeatedFailuresToStop} runs (nli joint dsp K=1 seed=1", error);
        Assert.Contains("the split has no labelled examples", error);
        Assert.DoesNotContain("outputs:", output);
        Assert.Contains("no results in", output);
        Assert.DoesNotContain(error.Split('\n'), l => l.StartsWith("   at ", StringComparison.Ordinal));
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(), "a sweep whose runs all failed leaves no file");
    }

    // ------------------------------------------------------------------ through the command line

    /// <summary>Each damaged input through <c>nativedsp nli|mt</c>: exit 1, one line naming the file, no stack trace, nothing left in --out.</summary>
    [Fact]
    public void DamagedInputsFailThroughTheCliWithOneLineAndLeaveNoFile()
    {
        string Out() => temp.File($"out-{Guid.NewGuid():N}");
        string[] Nli(string data, string outDir, params string[] more) =>
            ["nli", "--method", "dsp", "--heads", "1", "--out", outDir, "--data", data, .. TinyArgs, .. more];
        void Check(string expected, string outDir, params string[] args)
        {
            string line = CliRunner.AssertFails(1, args);
            Assert.Contains(expected, line);
            Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir, "*", SearchOption.AllDirectories).Any(),
                         $"{string.Join(' ', args)} left files in {outDir}");
        }

        string emptyTest = TinyData.Nli(temp.File("empty-test"));
        File.WriteAllBytes(Path.Combine(emptyTest, "nli", "lexnli.test.tsv.gz"), TinyData.Gzip(TinyData.Head("nli", "lexnli.test.tsv.gz", 1)));
        string o = Out();
        Check($"nativedsp nli: {Path.Combine(emptyTest, "nli", "lexnli.test.tsv.gz")}: the split has no labelled examples", o, Nli(emptyTest, o));

        string cut = TinyData.Nli(temp.File("cut-train"), trainLines: 3000);
        string train = Path.Combine(cut, "nli", "lexnli.train.tsv.gz");
        var bytes = File.ReadAllBytes(train);
        File.WriteAllBytes(train, bytes[..(bytes.Length / 2)]);
        o = Out();
        Check($"{train}: truncated gzip stream after ", o, Nli(cut, o));

        string mtEmpty = TinyData.Mt(temp.File("mt-empty"));
        File.WriteAllBytes(Path.Combine(mtEmpty, "mt", "es-en.train.tsv.gz"), TinyData.Gzip(TinyData.Head("mt", "es-en.train.tsv.gz", 1)));
        o = Out();
        Check("es-en.train.tsv.gz: the split has no sentence pairs", o,
              ["mt", "--method", "dsp", "--heads", "1", "--out", o, "--data", mtEmpty, "--decoder_layers", "1", .. TinyArgs]);

        string data = TinyData.Nli(temp.File("data"));
        var vocab = File.ReadAllLines(Path.Combine(data, "nli", "wordpiece.vocab.txt"));
        string noCls = WriteTinyBert("bert-no-cls", vocab.Where(t => t != "[CLS]").Append("[unused]").ToArray());
        o = Out();
        Check($"{Path.Combine(noCls, "vocab.txt")}: the WordPiece vocabulary lacks [CLS]", o, Nli(data, o, "--init", noCls, "--max_len", "20"));

        string nan = WriteTinyBert("bert-nan-cli", vocab, poison: "encoder.layer.0.output.dense.weight");
        o = Out();
        Check("tensor 'encoder.layer.0.output.dense.weight' holds 1 non-finite value", o, Nli(data, o, "--init", nan, "--max_len", "20"));

        // A damaged results.csv is named before any work (its rows stay as they were).
        o = Out();
        Directory.CreateDirectory(o);
        string csv = Path.Combine(o, ResultsFile.FileName);
        File.WriteAllText(csv, string.Join(",", ResultRow.Columns) + "\nnli,joint,dsp,2\n");
        string line = CliRunner.AssertFails(1, Nli(data, o));
        Assert.Contains($"{csv}:2: malformed row", line);
        Assert.Equal([ResultsFile.FileName], Directory.GetFiles(o).Select(Path.GetFileName));
    }

    // ------------------------------------------------------------------ model cache

    static readonly string[] TinyArgs =
    [
        "--layers", "1", "--attn_heads", "2", "--d_model", "16", "--ffn", "16", "--steps", "6",
        "--train_examples", "64", "--eval_examples", "32", "--batch", "8", "--device", "host", // joint runs: no mask or Michel settings
    ];

    static ExperimentConfig Tiny(ExperimentConfig preset)
    {
        var config = preset;
        for (int i = 0; i < TinyArgs.Length; i += 2)
            if (TinyArgs[i] != "--device") config = config.WithOverride(TinyArgs[i][2..], TinyArgs[i + 1]);
        return config;
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("0.1", "0")]
    [InlineData("0", "3")]
    [InlineData("0.1", "3")] // the case the cache got wrong: fine-tuning draws dropout masks from the cached stream
    public void CachedModelGivesTheSameRowAsTrainingIt(string dropout, string finetuneSteps)
    {
        string root = TinyData.Nli(temp.File("data"));
        string outDir = temp.File("out");
        var config = Tiny(Presets.Get("nli", "quick")).WithOverride("dropout", dropout).WithOverride("finetune_steps", finetuneSteps);
        var spec = new RunSpec("nli", PruningSetting.Pipelined, PruningMethod.Dsp, 1, false, 1, "quick");
        using var device = new Device(TestBackends.Host);

        var log = new StringWriter();
        var trained = Run(new RunContext(device, outDir, log, root) { SaveArtifacts = true });
        Assert.Contains("training the nli model of seed 1", log.ToString());

        log = new StringWriter();
        var fresh = new RunContext(device, outDir, log, root) { SaveArtifacts = true };
        var fromDisk = Run(fresh);
        Assert.Contains("reusing the trained model", log.ToString());
        var fromProcess = Run(fresh);

        foreach (var other in new[] { fromDisk, fromProcess })
        {
            Assert.Equal(trained.Row.Value, other.Row.Value);
            Assert.Equal(trained.Row.KeptPerModule, other.Row.KeptPerModule);
            AssertSameTensors(trained.Model, other.Model);
        }

        (ResultRow Row, Dictionary<string, float[]> Model) Run(RunContext context)
        {
            var row = ExperimentRunner.Run(spec, config, context);
            string pruned = Path.Combine(outDir, "runs", spec.Key.Replace('|', '_'), PruningRun.PrunedModelFile);
            var model = SafetensorsFile.Read(pruned).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToFloat32());
            // The run's checkpoints are removed once its row is recorded.
            Assert.False(Directory.Exists(Path.Combine(outDir, "runs", spec.Key.Replace('|', '_'), ExperimentRunner.CheckpointFolder)));
            return (row, model);
        }
    }

    [Fact]
    public void DamagedModelCacheIsRebuiltWithALineSayingSo()
    {
        string root = TinyData.Nli(temp.File("data"));
        string outDir = temp.File("out");
        var config = Tiny(Presets.Get("nli", "quick")).WithOverride("dropout", "0.1");
        var spec = new RunSpec("nli", PruningSetting.Pipelined, PruningMethod.None, 2, false, 1, "quick");
        using var device = new Device(TestBackends.Host);
        var first = ExperimentRunner.Run(spec, config, new RunContext(device, outDir, TextWriter.Null, root));
        string cache = Directory.GetFiles(Path.Combine(outDir, ModelCache.Folder)).Single();
        var good = SafetensorsFile.Read(cache);

        // A missing tensor, missing metadata, a NaN weight: each is named, and the model is trained again.
        var tensors = good.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToHostTensor());
        string dropped = tensors.Keys.Order().First();
        var damages = new (string Expected, Action Damage)[]
        {
            ($"tensor '{dropped}' is missing", () => SafetensorsWriter.Write(cache, tensors.Where(kv => kv.Key != dropped).ToDictionary(), good.Metadata)),
            ("the metadata has no 'rng.dropout.offset'", () => SafetensorsWriter.Write(cache, tensors, good.Metadata.Where(kv => kv.Key != "rng.dropout.offset").ToDictionary())),
            ($"tensor '{dropped}' holds 1 non-finite value", () => SafetensorsWriter.Write(cache,
                tensors.ToDictionary(kv => kv.Key, kv => kv.Key == dropped ? kv.Value with { Data = [float.NaN, .. kv.Value.Data[1..]] } : kv.Value), good.Metadata)),
            ("not a model cache of this version", () => SafetensorsWriter.Write(cache, tensors, new Dictionary<string, string> { ["train_seconds"] = "1" })),
        };
        foreach (var (expected, damage) in damages)
        {
            damage();
            var log = new StringWriter();
            var again = ExperimentRunner.Run(spec, config, new RunContext(device, outDir, log, root));
            Assert.Contains($"the cached model {cache} is unusable (", log.ToString());
            Assert.Contains(expected, log.ToString());
            Assert.Contains("training it again", log.ToString());
            Assert.Equal(first.Value, again.Value);
            // Rewritten whole: the next run reuses it.
            log = new StringWriter();
            ExperimentRunner.Run(spec, config, new RunContext(device, outDir, log, root));
            Assert.Contains("reusing the trained model", log.ToString());
        }
    }

    static void AssertSameTensors(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
            Assert.True(values.AsSpan().SequenceEqual(actual[name]), $"tensor '{name}' differs between the trained and the cached model's run");
    }
}
