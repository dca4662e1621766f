using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;

namespace NativeDsp.Model.Pretrained.Import;

/// <summary>
/// Hugging Face BERT checkpoints as a directory of model.safetensors + config.json + vocab.txt. Reading
/// validates the file layout (through <see cref="SafetensorsFile"/>: header inside the file, known dtypes,
/// offsets inside the data and consistent with shapes), then that every encoder weight is there, floating
/// point, with the shape config.json implies. Every problem is a <see cref="SafetensorsFormatException"/>
/// naming the file. Names may carry the "bert." prefix of BertFor* models; TF-era LayerNorm names
/// (gamma/beta) are accepted; other tensors (prediction heads, position_ids buffers) are ignored.
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
            if (!st.DType.IsFloatingPoint())
                throw new SafetensorsFormatException(file.Path, $"tensor '{st.Name}' has dtype {st.DType}; a weight must be F32, F16, BF16 or F64");
            if (!st.Shape.Select(d => (long)d).SequenceEqual(t.Shape.Select(d => (long)d)))
                throw new SafetensorsFormatException(file.Path, $"tensor '{st.Name}' has shape [{string.Join(", ", st.Shape)}], config.json implies [{string.Join(", ", t.Shape)}]");
            weights[t.HfName] = new HostTensor(new Shape(t.Shape), st.ToFloat32());
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
