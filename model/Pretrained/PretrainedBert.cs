using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
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
        // Weights imported from elsewhere than a safetensors file (MiniLM's ONNX graph) get the same NaN/Inf check.
        FiniteWeights.Require(source, weights);
        Config = config;
        Weights = weights;
        Vocabulary = vocabulary;
        Source = source;
        HasPooler = hasPooler && weights.ContainsKey(BertLayout.PoolerBias);
        if (weights.TryGetValue(BertLayout.ClassifierWeight, out var cw) && weights.TryGetValue(BertLayout.ClassifierBias, out var cb))
        {
            if (cw.Shape.Rank != 2 || cw.Shape[1] != config.HiddenSize || cb.Shape.Rank != 1 || cb.Shape[0] != cw.Shape[0])
                throw new ArgumentException($"pretrained BERT ({source}): the classifier is [{string.Join(", ", cw.Shape.ToArray())}] + [{string.Join(", ", cb.Shape.ToArray())}], expected [classes, {config.HiddenSize}] + [classes]");
            ClassifierClasses = cw.Shape[0];
        }
    }

    /// <summary>The classes of the checkpoint's classification head (BertForSequenceClassification's "classifier"), 0 when it has none.</summary>
    public int ClassifierClasses { get; }

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
        for (int l = 0; l < Config.Layers; l++) encoder.Encoder.Layers[l].SelfAttention.PruneHeads(Config.KeptHeads(l));
        encoder.LoadStateDict(BertLayout.Encoder(Config).ToDictionary(t => t.OurName, t => Weights[t.HfName]));
        encoder.Eval();
        return encoder;
    }

    /// <summary>
    /// An NLI classifier whose embeddings and encoder layers start from these weights (with the checkpoint's
    /// pruned heads removed), with the pooler from the checkpoint when it has one (else fresh) and the
    /// classification head from it when it has one of <paramref name="classes"/> classes (else fresh); fresh
    /// parts are initialised from <paramref name="seed"/> as BERT does (Normal(0.02), zero bias).
    /// </summary>
    public NliClassifier CreateNliClassifier(Device device, int classes = 3, float dropout = 0.1f, ulong seed = 0)
    {
        var model = new NliClassifier(device, Config.ToClassifierConfig(classes, dropout, seed));
        if (Config.PrunedHeads.Count > 0) model.PruneHeads(Config.KeptHeadIds());
        var layout = BertLayout.Encoder(Config).AsEnumerable();
        if (HasPooler) layout = layout.Concat(BertLayout.Pooler(Config));
        if (ClassifierClasses == classes) layout = layout.Concat(BertLayout.Classifier(Config, classes));
        model.LoadStateDict(layout.ToDictionary(t => t.OurName, t => Weights[t.HfName]), strict: false);
        return model;
    }

    /// <summary>The Hugging Face-named weights of an encoder (for export), e.g. after fine-tuning.</summary>
    public static PretrainedBert FromEncoder(BertEncoder encoder, IReadOnlyList<string> vocabulary, string source)
    {
        var state = encoder.StateDict();
        return new PretrainedBert(encoder.Config, BertLayout.Encoder(encoder.Config).ToDictionary(t => t.HfName, t => state[t.OurName]), vocabulary, source);
    }

    /// <summary>
    /// The Hugging Face-named weights of a BERT-shaped classifier (post-LN, erf GELU, as <see cref="BertConfig"/>
    /// describes) with its pooler and classification head, for export as BertForSequenceClassification. Heads the
    /// classifier has physically removed become <see cref="BertConfig.PrunedHeads"/>. Unit pruning (issue 20) maps as far
    /// as BertConfig can say it: a removed attention block is a layer with every head pruned and a zero
    /// attention.output.dense bias (BERT then computes LayerNorm(x + 0), exactly what the removed post-LN branch leaves);
    /// pruned FFN neurons fit only when every layer keeps the same number (that number is intermediate_size).
    /// </summary>
    /// <exception cref="NotSupportedException">The classifier is pre-LN or not GELU (BERT computes neither), has a removed
    /// FFN block, or FFN widths that differ between layers (BertConfig has one intermediate_size).</exception>
    public static PretrainedBert FromClassifier(NliClassifier classifier, IReadOnlyList<string> vocabulary, string source)
    {
        var c = classifier.Config;
        if (c.PreNorm || c.Activation != NativeDsp.Kernels.Activation.Gelu)
            throw new NotSupportedException($"{source}: a Hugging Face BERT is post-LN with erf GELU; this classifier is {(c.PreNorm ? "pre-LN" : "post-LN")} with {c.Activation}");
        var ffns = classifier.FeedForwardModules().ToList();
        if (ffns.FirstOrDefault(f => f.Module.BranchRemoved) is { Name: not null } removed)
            throw new NotSupportedException($"{source}: BertConfig cannot express a removed FFN block ({removed.Name}): every BERT layer has an FFN of intermediate_size");
        var widths = ffns.Select(f => f.Module.Neurons).Distinct().ToList();
        if (widths.Count != 1 || widths[0] < 1)
            throw new NotSupportedException($"{source}: BertConfig has one intermediate_size for every layer; this classifier's FFN widths are {string.Join(", ", ffns.Select(f => f.Module.Neurons))} after neuron pruning");
        var keptIds = classifier.HeadIndex.Groups.SelectMany(g => g.Module.KeptHeads.Select(h => g.OriginalOffset + h));
        var config = new BertConfig(c.Vocab, c.DModel, c.Layers, c.Heads, widths[0], c.MaxPositions, c.Segments, c.LayerNormEps, c.PadId).WithKeptHeads(keptIds);
        var state = classifier.StateDict();
        // A removed attention block dropped its output bias (it adds nothing); BERT's layer with no head left adds that bias: 0.
        foreach (var (name, _, _, module) in classifier.AttentionModules())
            if (module.BranchRemoved) state.TryAdd(name + ".out_proj.bias", new HostTensor(new Shape(c.DModel), new float[c.DModel]));
        var layout = BertLayout.Encoder(config).Concat(BertLayout.Pooler(config)).Concat(BertLayout.Classifier(config, c.Classes));
        return new PretrainedBert(config, layout.ToDictionary(t => t.HfName, t => state[t.OurName]), vocabulary, source);
    }

    /// <summary>Writes vocab.txt (one token a line), the form WordPiece tokenizers load.</summary>
    public void WriteVocabulary(string path) => File.WriteAllLines(path, Vocabulary);
}
