using NativeDsp.Engine;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Mt;
using NativeDsp.Experiments.Metrics;
using NativeDsp.Experiments.Tokenization;
using NativeDsp.Model.Training;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Experiments.Runs;

/// <summary>One tokenized translation pair (no BOS/EOS) and the reference text of the target.</summary>
public sealed record MtItem(int[] Source, int[] Target, string Reference);

/// <summary>
/// MT: the encoder-decoder Transformer on the committed Spanish-English Bible corpus (experiments/data/mt,
/// joint BPE, shared embeddings), scored by corpus BLEU (sacreBLEU 13a) of greedy translations of the
/// first EvalExamples test verses. Only pairs whose sides both fit in MaxLen - 1 tokens are used, so the
/// quick preset trains and tests on short verses.
/// </summary>
public sealed class MtExperiment : TaskExperiment<MtItem>
{
    const int EvalBatch = 50;
    static readonly Dictionary<string, (BpeSubwordTokenizer, List<MtItem>, List<MtItem>)> Cache = [];

    readonly BpeSubwordTokenizer tokenizer;
    readonly List<MtItem> train, test;

    public MtExperiment(ExperimentConfig config, string? dataDir) : base(config)
    {
        string dir = DataPaths.MtDir(dataDir);
        string key = $"{Path.GetFullPath(dir)}|{config.MaxLen}|{config.TrainExamples}|{config.EvalExamples}";
        (tokenizer, train, test) = LoadOnce(Cache, key, () =>
        {
            var tok = BpeSubwordTokenizer.Load(Path.Combine(dir, "bpe.vocab.json"), Path.Combine(dir, "bpe.merges.txt"));
            return (tok, Load(tok, Path.Combine(dir, "es-en.train.tsv.gz"), config.MaxLen, config.TrainExamples),
                      Load(tok, Path.Combine(dir, "es-en.test.tsv.gz"), config.MaxLen, config.EvalExamples));
        });
    }

    /// <summary>The pairs of <paramref name="path"/> whose sides both fit in <paramref name="maxLen"/> - 1 tokens (at most <paramref name="limit"/>; 0 = all).</summary>
    /// <exception cref="DataInputException">The file has no pair (only a header), or none fits max_len: each named as such.</exception>
    static List<MtItem> Load(BpeSubwordTokenizer tok, string path, int maxLen, int limit)
    {
        var items = new List<MtItem>();
        var pairs = ParallelTsv.Read(path, new BadLineLog(BadLinePolicy.Error)).Pairs;
        // An empty split would train nothing or score BLEU 0 with exit code 0: a silent wrong result.
        if (pairs.Count == 0)
            throw new DataInputException($"{path}: the split has no sentence pairs (only a header?): give a file with at least one pair");
        foreach (var pair in pairs)
        {
            var source = tok.Encode(pair.Source).ToArray();
            if (source.Length == 0 || source.Length >= maxLen) continue;
            var target = tok.Encode(pair.Target).ToArray();
            if (target.Length == 0 || target.Length >= maxLen) continue;
            items.Add(new MtItem(source, target, pair.Target));
            if (limit > 0 && items.Count == limit) break;
        }
        if (items.Count == 0)
            throw new DataInputException($"{path}: none of its {pairs.Count} pairs has both sides shorter than max_len {maxLen} tokens: raise --max_len");
        return items;
    }

    public override string Name => "mt";
    public override string MetricName => "bleu";
    public override IReadOnlyList<MtItem> Train => train;
    public IReadOnlyList<MtItem> Test => test;

    public override Module BuildModel(Device device, int seed) => new Seq2Seq(device, new Seq2SeqConfig
    {
        EncoderLayers = Config.Layers, DecoderLayers = Config.DecoderLayers, DModel = Config.DModel, Heads = Config.AttnHeads,
        Ffn = Config.Ffn, Dropout = Config.Dropout, SourceVocab = tokenizer.VocabularySize, TargetVocab = tokenizer.VocabularySize,
        SharedEmbeddings = true, MaxPositions = Math.Max(Config.MaxLen, Config.DecodeMaxLen) + 2, Seed = (ulong)seed,
        PadId = tokenizer.PadId, BosId = tokenizer.BeginOfSentenceId, EosId = tokenizer.EndOfSentenceId,
    });

    public override BatchLoss Loss(Module model, IReadOnlyList<MtItem> batch, Tensor? gate)
    {
        var s2s = (Seq2Seq)model;
        int b = batch.Count, pad = tokenizer.PadId;
        int s = batch.Max(x => x.Source.Length), t = batch.Max(x => x.Target.Length) + 1;
        var src = Filled(b * s, pad);
        var input = Filled(b * t, pad);
        var output = Filled(b * t, pad);
        long tokens = 0;
        for (int r = 0; r < b; r++)
        {
            var x = batch[r];
            x.Source.CopyTo(src, r * s);
            input[r * t] = tokenizer.BeginOfSentenceId;
            x.Target.CopyTo(input, r * t + 1);
            x.Target.CopyTo(output, r * t);
            output[r * t + x.Target.Length] = tokenizer.EndOfSentenceId;
            tokens += x.Target.Length + 1;
        }
        var (srcIds, srcMask) = s2s.SourceTensors(src, b, s);
        var logits = s2s.Forward(srcIds, srcMask, s2s.TargetTensor(input, b, t), gate);
        var targets = s2s.TargetTensor(output, b, t);
        return new BatchLoss(Ops.CrossEntropy(logits, targets, ignoreIndex: pad, smoothing: Config.LabelSmoothing), tokens);
    }

    public override (double Metric, long Tokens) Evaluate(Module model, Tensor? gate)
    {
        var s2s = (Seq2Seq)model;
        var generator = new SequenceGenerator(s2s, Config.DecodeMaxLen, LengthPenalty.Default, gate);
        var hypotheses = new List<string>(test.Count);
        long tokens = 0;
        for (int start = 0; start < test.Count; start += EvalBatch)
        {
            var batch = test.GetRange(start, Math.Min(EvalBatch, test.Count - start));
            foreach (var h in generator.Greedy(batch.Select(x => x.Source).ToList()))
            {
                hypotheses.Add(tokenizer.Decode(h.Tokens));
                tokens += h.Tokens.Length + 1;
            }
        }
        if (hypotheses.Count == 0) return (0, 0);
        var bleu = CorpusBleu.Compute(hypotheses, [test.Select(x => x.Reference).ToList()]);
        return (bleu.Score, tokens);
    }

    static int[] Filled(int n, int value)
    {
        var a = new int[n];
        Array.Fill(a, value);
        return a;
    }
}
