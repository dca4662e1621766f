using NativeDsp.Engine;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Nli;
using NativeDsp.Experiments.Tokenization;
using NativeDsp.Model.Pretrained;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Training;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Experiments.Runs;

/// <summary>One tokenized NLI pair (without [CLS]/[SEP]) and its class.</summary>
public sealed record NliItem(int[] Premise, int[] Hypothesis, int Label);

/// <summary>
/// NLI: the BERT-style encoder classifier on the committed lexical NLI set (experiments/data/nli), or on files
/// the user names (<see cref="ExperimentConfig.Train"/>, Valid, Test: SNLI, MultiNLI, GLUE or the project's own
/// format), scored by accuracy on (the first EvalExamples of) the test split.
/// </summary>
public sealed class NliExperiment : TaskExperiment<NliItem>
{
    const int EvalBatch = 128;
    static readonly Dictionary<string, (WordPieceSubwordTokenizer, List<NliItem>, List<NliItem>)> Cache = [];

    readonly WordPieceSubwordTokenizer tokenizer;
    readonly List<NliItem> train, test;
    readonly PretrainedBert? pretrained;

    public NliExperiment(ExperimentConfig config, string? dataDir) : base(config)
    {
        string dir = DataPaths.NliDir(dataDir);
        if (config.Pretrained.Length > 0)
        {
            pretrained = PretrainedEncoders.Load(config.Pretrained);
            var shaped = PretrainedEncoders.WithShape(config, pretrained.Config);
            if (shaped != config)
                throw new ArgumentException($"nli: the pretrained encoder '{config.Pretrained}' is {pretrained.Config.Layers} layers x {pretrained.Config.Heads} heads, " +
                                            $"d {pretrained.Config.HiddenSize}, FFN {pretrained.Config.IntermediateSize} (post-LN); the config says {config.Layers} x {config.AttnHeads}, " +
                                            $"d {config.DModel}, FFN {config.Ffn}{(config.PreNorm ? " (pre-LN)" : "")}");
        }
        var files = NliFiles.Of(config, dir);
        // A pretrained encoder brings its own vocabulary; otherwise the one learnt on the NLI data (the committed
        // set's, or one learnt here on a training file the user names, as the committed one was learnt).
        string key = $"{files.Key}|{config.Pretrained}|{config.TrainExamples}|{config.EvalExamples}";
        var vocabulary = pretrained?.Vocabulary;
        (tokenizer, train, test) = LoadOnce(Cache, key, () =>
        {
            var tok = vocabulary is not null ? WordPieceSubwordTokenizer.FromVocabulary(vocabulary, pretrained!.Source)
                : files.VocabularyFile is { } v ? WordPieceSubwordTokenizer.Load(v)
                : WordPieceSubwordTokenizer.FromVocabulary(files.LearnVocabulary());
            if (files.CheckedOnly is { } valid)
                Console.Error.WriteLine($"nli: {valid} read and checked ({Read(valid).Count} examples); runs score {files.Test} and select nothing on a validation split");
            return (tok, Load(tok, files.Train, config.TrainExamples), Load(tok, files.Test, config.EvalExamples));
        });
    }

    static List<NliExample> Read(string path) => NliReader.Read(path, new BadLineLog(BadLinePolicy.Error)).Examples;

    static List<NliItem> Load(WordPieceSubwordTokenizer tok, string path, int limit)
    {
        var examples = Read(path);
        // An empty split would train nothing or score 0 with exit code 0: a silent wrong result.
        if (examples.Count == 0)
            throw new DataInputException($"{path}: the split has no labelled examples (only a header?): give a file with at least one example");
        var take = limit > 0 ? examples.Take(limit) : examples;
        return take.Select(e => new NliItem(tok.Encode(e.Premise).ToArray(), tok.Encode(e.Hypothesis).ToArray(), (int)e.Label)).ToList();
    }

    public override string Name => "nli";
    public override string MetricName => "accuracy";
    public override IReadOnlyList<NliItem> Train => train;
    public IReadOnlyList<NliItem> Test => test;

    /// <summary>
    /// A fresh classifier: from scratch, or the pretrained embeddings and layers (and pooler, when the checkpoint
    /// has one) with a classification head initialised from the seed.
    /// </summary>
    public override Module BuildModel(Device device, int seed) => pretrained is not null
        ? pretrained.CreateNliClassifier(device, classes: 3, Config.Dropout, (ulong)seed)
        : new NliClassifier(device, new NliClassifierConfig
    {
        Layers = Config.Layers, DModel = Config.DModel, Heads = Config.AttnHeads, Ffn = Config.Ffn, Dropout = Config.Dropout,
        Init = Config.Init, PreNorm = Config.PreNorm,
        Vocab = tokenizer.VocabularySize, MaxPositions = Config.MaxLen, Seed = (ulong)seed, PadId = tokenizer.PadId,
    });

    public override BatchLoss Loss(Module model, IReadOnlyList<NliItem> batch, Tensor? gate) => UnitLoss(model, batch, UnitGates.FromHeads(gate));

    public override (double Metric, long Tokens) Evaluate(Module model, Tensor? gate) => UnitEvaluate(model, UnitGates.FromHeads(gate));

    /// <summary>The classifier prunes heads, FFN neurons and blocks.</summary>
    public override bool PrunesUnits => true;

    /// <summary>The cross-entropy of a batch under unit gates (called inside a tape scope).</summary>
    public override BatchLoss UnitLoss(Module model, IReadOnlyList<NliItem> batch, UnitGates gates)
    {
        var classifier = (NliClassifier)model;
        var (logits, tokens) = Forward(classifier, batch, gates);
        var device = classifier.Device;
        var targets = device.Tape.Own(IntTensor.FromArray(device, batch.Select(x => x.Label).ToArray(), batch.Count));
        return new BatchLoss(Ops.CrossEntropy(logits, targets), tokens);
    }

    /// <summary>Accuracy on the test split under unit gates, and the tokens processed.</summary>
    public override (double Metric, long Tokens) UnitEvaluate(Module model, UnitGates gates)
    {
        var classifier = (NliClassifier)model;
        long correct = 0, tokens = 0;
        for (int start = 0; start < test.Count; start += EvalBatch)
        {
            using var scope = classifier.Device.Scope();
            var batch = test.GetRange(start, Math.Min(EvalBatch, test.Count - start));
            var (logits, n) = Forward(classifier, batch, gates);
            tokens += n;
            var values = logits.ToArray();
            int classes = values.Length / batch.Count;
            for (int r = 0; r < batch.Count; r++)
            {
                int best = 0;
                for (int c = 1; c < classes; c++)
                    if (values[r * classes + c] > values[r * classes + best]) best = c;
                if (best == batch[r].Label) correct++;
            }
        }
        return (test.Count == 0 ? 0 : (double)correct / test.Count, tokens);
    }

    /// <summary>The encoder's final hidden states of a batch (packed as for the loss) under unit gates, and its key mask.</summary>
    public override (Tensor Hidden, Tensor? KeyMask) Hidden(Module model, IReadOnlyList<NliItem> batch, UnitGates gates)
    {
        var pairs = batch.Select(x => (x.Premise, x.Hypothesis)).ToList();
        var (ids, segments, length) = NliInput.Pack(pairs, tokenizer.ClassificationId, tokenizer.SeparatorId, tokenizer.PadId, Config.MaxLen);
        return ((NliClassifier)model).Encode(ids, segments, batch.Count, length, gates);
    }

    /// <summary>
    /// One forward pass of the first <paramref name="size"/> test pairs (repeated when the split is smaller), packed
    /// once, in a tape scope under NoGrad, ending with a device synchronisation: a fixed batch for timing.
    /// </summary>
    public override Action BenchmarkForward(Module model, int size)
    {
        var classifier = (NliClassifier)model;
        if (test.Count == 0) throw new InvalidOperationException("nli: no test pairs to time");
        var pairs = Enumerable.Range(0, size).Select(i => test[i % test.Count]).Select(x => (x.Premise, x.Hypothesis)).ToList();
        var (ids, segments, length) = NliInput.Pack(pairs, tokenizer.ClassificationId, tokenizer.SeparatorId, tokenizer.PadId, Config.MaxLen);
        return () =>
        {
            using var noGrad = NoGrad.Scope();
            using var scope = classifier.Device.Scope();
            _ = classifier.Forward(ids, segments, size, length, UnitGates.None);
            classifier.Device.Synchronize();
        };
    }

    (Tensor Logits, long Tokens) Forward(NliClassifier model, IReadOnlyList<NliItem> batch, UnitGates gates)
    {
        var pairs = batch.Select(x => (x.Premise, x.Hypothesis)).ToList();
        var (ids, segments, length) = NliInput.Pack(pairs, tokenizer.ClassificationId, tokenizer.SeparatorId, tokenizer.PadId, Config.MaxLen);
        long tokens = ids.LongCount(i => i != tokenizer.PadId);
        return (model.Forward(ids, segments, batch.Count, length, gates), tokens);
    }
}
