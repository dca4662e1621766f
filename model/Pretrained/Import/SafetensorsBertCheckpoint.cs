using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;

namespace NativeDsp.Model.Pretrained.Import;

/// <summary>
/// Hugging Face BERT checkpoints as a directory of model.safetensors + config.json + vocab.txt. Reading
/// validates the file layout (through <see cref="SafetensorsFile"/>: header inside the file, known dtypes,
/// offsets inside the data and consistent with shapes), then that every encoder weight is there, floating
/// point, with the shape config.json implies. Every problem is a <see cref="SafetensorsFormatException"/>
/// naming the file. Names may carry the "bert." prefix of BertFor* models; TF-era LayerNorm names
/// (gamma/beta) are accepted; other tensors (prediction heads, position_ids buffers, mask buffers, quantisation
/// state) are ignored whatever their dtype: only the weights read are converted, from any real float dtype of
/// the format (F32, F16, BF16, F64, the 8-bit floats), exactly except F64's rounding to float32.
/// </summary>
public static class SafetensorsBertCheckpoint
{
    /// <summary>The weights file in a checkpoint directory.</summary>
    public const string WeightsFile = "model.safetensors";
    /// <summary>The Hugging Face config file.</summary>
    public const string ConfigFile = "config.json";
    /// <summary>The WordPiece vocabulary, one token a line.</summary>
    public const string VocabFile = "vocab.txt";

    /// <summary>Reads the checkpoint in <paramref name="directory"/>; F16, BF16 and F64 weights are converted to float32.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">One of the three files is missing.</exception>
    /// <exception cref="SafetensorsFormatException">The weights file is invalid, or a weight is missing, not floating point, or has the wrong shape.</exception>
    /// <exception cref="FormatException">config.json is invalid or unsupported, or vocab.txt is longer than vocab_size.</exception>
    public static PretrainedBert Read(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"BERT checkpoint: directory '{directory}' does not exist");
        string weightsPath = Path.Combine(directory, WeightsFile), vocabPath = Path.Combine(directory, VocabFile);
        foreach (var p in new[] { weightsPath, Path.Combine(directory, ConfigFile), vocabPath })
            if (!File.Exists(p)) throw new FileNotFoundException($"BERT checkpoint '{directory}': '{Path.GetFileName(p)}' is missing (needs {WeightsFile}, {ConfigFile}, {VocabFile})", p);
        var config = BertConfig.ReadJson(Path.Combine(directory, ConfigFile));
        var file = SafetensorsFile.Read(weightsPath);
        var vocab = File.ReadAllLines(vocabPath);
        BertVocabulary.RequireSpecialTokens(vocab, vocabPath);
        if (vocab.Length > config.VocabSize)
            throw new FormatException($"BERT checkpoint '{directory}': vocab.txt has {vocab.Length} entries, more than vocab_size {config.VocabSize}");
        return new PretrainedBert(config, ReadWeights(file, config), vocab, directory);
    }

    /// <summary>The encoder (and pooler, when present) weights of a validated file, shape-checked against the config.</summary>
    public static Dictionary<string, HostTensor> ReadWeights(SafetensorsFile file, BertConfig config)
    {
        var byName = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        foreach (var (name, t) in file.Tensors) byName[Canonical(name)] = t;
        var weights = new Dictionary<string, HostTensor>();
        foreach (var (t, required) in BertLayout.Encoder(config).Select(t => (t, true)).Concat(BertLayout.Pooler(config).Select(t => (t, false))))
        {
            if (!byName.TryGetValue(t.HfName, out var st))
            {
                if (required) throw new SafetensorsFormatException(file.Path, $"tensor '{t.HfName}' (or 'bert.{t.HfName}') is missing; config.json describes a {config.Layers}-layer BERT");
                continue;
            }
            if (!st.DType.ConvertsToFloat32())
                throw new SafetensorsFormatException(file.Path, $"tensor '{st.Name}' has dtype {st.DType}; a weight must be a real float of whole bytes ({string.Join(", ", Enum.GetValues<SafetensorsDType>().Where(d => d.ConvertsToFloat32()))})");
            if (!st.Shape.Select(d => (long)d).SequenceEqual(t.Shape.Select(d => (long)d)))
                throw new SafetensorsFormatException(file.Path, $"tensor '{st.Name}' has shape [{string.Join(", ", st.Shape)}], config.json implies [{string.Join(", ", t.Shape)}]");
            var values = st.ToFloat32();
            FiniteWeights.Require(file.Path, st.Name, values);
            weights[t.HfName] = new HostTensor(new Shape(t.Shape), values);
        }
        // BertForSequenceClassification's head: any number of classes, [classes, hidden] + [classes].
        if (byName.TryGetValue(BertLayout.ClassifierWeight, out var cw) && byName.TryGetValue(BertLayout.ClassifierBias, out var cb))
        {
            if (!cw.DType.IsFloatingPoint() || !cb.DType.IsFloatingPoint() || cw.Shape.Count != 2 || cw.Shape[1] != config.HiddenSize
                || cb.Shape.Count != 1 || cb.Shape[0] != cw.Shape[0])
                throw new SafetensorsFormatException(file.Path, $"the classifier is {cw.DType} [{string.Join(", ", cw.Shape)}] + {cb.DType} [{string.Join(", ", cb.Shape)}], expected floating point [classes, {config.HiddenSize}] + [classes]");
            weights[BertLayout.ClassifierWeight] = new HostTensor(new Shape(cw.Shape.Select(d => (int)d).ToArray()), cw.ToFloat32());
            weights[BertLayout.ClassifierBias] = new HostTensor(new Shape((int)cb.Shape[0]), cb.ToFloat32());
        }
        return weights;
    }

    /// <summary>Drops the "bert." prefix and maps TF-era LayerNorm gamma/beta to weight/bias.</summary>
    static string Canonical(string name)
    {
        if (name.StartsWith("bert.", StringComparison.Ordinal)) name = name["bert.".Length..];
        if (name.EndsWith("LayerNorm.gamma", StringComparison.Ordinal)) name = name[..^"gamma".Length] + "weight";
        if (name.EndsWith("LayerNorm.beta", StringComparison.Ordinal)) name = name[..^"beta".Length] + "bias";
        return name;
    }

    /// <summary>Writes model.safetensors (F32, Hugging Face BertModel names), config.json and vocab.txt into <paramref name="directory"/>.</summary>
    public static void Write(PretrainedBert model, string directory)
    {
        Directory.CreateDirectory(directory);
        var layout = BertLayout.Encoder(model.Config).AsEnumerable();
        if (model.HasPooler) layout = layout.Concat(BertLayout.Pooler(model.Config));
        var tensors = layout.ToDictionary(t => t.HfName, t => model.Weights[t.HfName]);
        SafetensorsWriter.Write(Path.Combine(directory, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        model.Config.WriteJson(Path.Combine(directory, ConfigFile));
        model.WriteVocabulary(Path.Combine(directory, VocabFile));
    }
}
