using NativeDsp.Engine;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Model.Pretrained;

/// <summary>
/// A pretrained BERT-family encoder as imported (from MiniLM's ONNX graph or a Hugging Face safetensors
/// checkpoint): its config, its weights under Hugging Face names ([out, in] linear weights, fp32) and its
/// WordPiece vocabulary. Construction checks that every encoder weight is present with the shape the
/// config implies, so a <see cref="PretrainedBert"/> always loads.
/// </summary>
public sealed class PretrainedBert
{
    /// <summary>Checks and holds an imported encoder; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="ArgumentException">The config is invalid, a weight has the wrong shape, or the vocabulary is empty or longer than vocab_size.</exception>
    /// <exception cref="KeyNotFoundException">An encoder weight is missing.</exception>
    public PretrainedBert(BertConfig config, IReadOnlyDictionary<string, HostTensor> weights, IReadOnlyList<string> vocabulary, string source)
    {
        config.Validate(source);
        foreach (var t in BertLayout.Encoder(config)) CheckShape(weights, t, source, required: true);
        bool hasPooler = false;
        foreach (var t in BertLayout.Pooler(config)) hasPooler |= CheckShape(weights, t, source, required: false);
        if (vocabulary.Count == 0 || vocabulary.Count > config.VocabSize)
            throw new ArgumentException($"pretrained BERT ({source}): the vocabulary has {vocabulary.Count} entries; it must be 1..vocab_size ({config.VocabSize})");
        Config = config;
        Weights = weights;
        Vocabulary = vocabulary;
        Source = source;
        HasPooler = hasPooler && weights.ContainsKey(BertLayout.PoolerBias);
    }

    /// <summary>The architecture.</summary>
    public BertConfig Config { get; }
    /// <summary>The weights by Hugging Face name (fp32, linear weights [out, in]).</summary>
    public IReadOnlyDictionary<string, HostTensor> Weights { get; }
    /// <summary>The WordPiece vocabulary in id order.</summary>
    public IReadOnlyList<string> Vocabulary { get; }
    /// <summary>Where the weights came from, for logs.</summary>
    public string Source { get; }
    /// <summary>True when the checkpoint has the pooler's weight and bias.</summary>
    public bool HasPooler { get; }

    static bool CheckShape(IReadOnlyDictionary<string, HostTensor> weights, BertTensor t, string source, bool required)
    {
        if (!weights.TryGetValue(t.HfName, out var w))
        {
            if (required) throw new KeyNotFoundException($"pretrained BERT ({source}): weight '{t.HfName}' is missing");
            return false;
        }
        if (!w.Shape.ToArray().SequenceEqual(t.Shape))
            throw new ArgumentException($"pretrained BERT ({source}): '{t.HfName}' has shape [{string.Join(", ", w.Shape.ToArray())}], the config implies [{string.Join(", ", t.Shape)}]");
        return true;
    }

    /// <summary>The encoder with these weights (eval mode).</summary>
    public BertEncoder CreateEncoder(Device device)
    {
        var encoder = new BertEncoder(device, Config);
        encoder.LoadStateDict(BertLayout.Encoder(Config).ToDictionary(t => t.OurName, t => Weights[t.HfName]));
        encoder.Eval();
        return encoder;
    }

    /// <summary>
    /// An NLI classifier whose embeddings and encoder layers start from these weights, with the pooler from
    /// the checkpoint when it has one (else fresh) and a fresh classification head, both initialised from
    /// <paramref name="seed"/> as BERT does (Normal(0.02), zero bias).
    /// </summary>
    public NliClassifier CreateNliClassifier(Device device, int classes = 3, float dropout = 0.1f, ulong seed = 0)
    {
        var model = new NliClassifier(device, Config.ToClassifierConfig(classes, dropout, seed));
        var layout = BertLayout.Encoder(Config).AsEnumerable();
        if (HasPooler) layout = layout.Concat(BertLayout.Pooler(Config));
        model.LoadStateDict(layout.ToDictionary(t => t.OurName, t => Weights[t.HfName]), strict: false);
        return model;
    }

    /// <summary>The Hugging Face-named weights of an encoder (for export), e.g. after fine-tuning.</summary>
    public static PretrainedBert FromEncoder(BertEncoder encoder, IReadOnlyList<string> vocabulary, string source)
    {
        var state = encoder.StateDict();
        return new PretrainedBert(encoder.Config, BertLayout.Encoder(encoder.Config).ToDictionary(t => t.HfName, t => state[t.OurName]), vocabulary, source);
    }

    /// <summary>Writes vocab.txt (one token a line), the form WordPiece tokenizers load.</summary>
    public void WriteVocabulary(string path) => File.WriteAllLines(path, Vocabulary);
}
