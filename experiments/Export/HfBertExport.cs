using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Model.Pretrained;
using NativeDsp.Model.Pretrained.Import;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Experiments.Export;

/// <summary>
/// Writes an <see cref="NliClassifier"/> as a Hugging Face BertForSequenceClassification directory that
/// transformers 4.x loads with <c>BertForSequenceClassification.from_pretrained(dir)</c>:
/// <list type="bullet">
/// <item>config.json: BertConfig's fields (model_type "bert", sizes, layer_norm_eps, hidden_act "gelu"),
/// <c>num_labels</c> through <c>id2label</c>/<c>label2id</c>, and <c>pruned_heads</c> {"layer": [original
/// head numbers]} when heads were removed. transformers (configuration_utils.PretrainedConfig.__init__)
/// turns the string keys into ints; PreTrainedModel.init_weights then calls prune_heads(config.pruned_heads),
/// which (modeling_bert.BertAttention.prune_heads, pytorch_utils.find_pruneable_heads_and_indices) keeps the
/// remaining heads' rows of query/key/value and columns of attention.output.dense in ascending order, so the
/// weights in model.safetensors must already have those shapes; NativeDsp's physical pruning
/// (MultiHeadAttention.PruneHeads) keeps the same rows in the same order.</item>
/// <item>model.safetensors (F32): BertModel's names under "bert." (bert.embeddings.word_embeddings.weight,
/// bert.encoder.layer.N.attention.self.query.weight, ..., bert.pooler.dense.weight) and the head as
/// classifier.weight [num_labels, hidden] / classifier.bias; linear weights [out, in] as nn.Linear stores them.</item>
/// <item>vocab.txt: the WordPiece vocabulary, one token a line (BertTokenizer's file).</item>
/// </list>
/// The mapping of names is <see cref="BertLayout"/>; <see cref="SafetensorsBertCheckpoint.Read"/> reads the
/// directory back. Each file is written atomically.
/// </summary>
public static class HfBertExport
{
    public const string Prefix = "bert.";

    /// <summary>Writes <paramref name="model"/> with <paramref name="vocabulary"/> and class names into <paramref name="directory"/>.</summary>
    /// <exception cref="NotSupportedException">The classifier is pre-LN or not GELU: a BERT cannot compute it.</exception>
    public static void Write(NliClassifier model, IReadOnlyList<string> vocabulary, IReadOnlyList<string> labels, string directory)
    {
        if (labels.Count != model.Config.Classes)
            throw new ArgumentException($"HF export: {labels.Count} label names for a classifier of {model.Config.Classes} classes");
        var bert = PretrainedBert.FromClassifier(model, vocabulary, "HF export");
        Directory.CreateDirectory(directory);
        var tensors = bert.Weights.ToDictionary(kv => kv.Key.StartsWith("classifier.", StringComparison.Ordinal) ? kv.Key : Prefix + kv.Key, kv => kv.Value);
        SafetensorsWriter.Write(Path.Combine(directory, SafetensorsBertCheckpoint.WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        AtomicFile.WriteAllText(Path.Combine(directory, SafetensorsBertCheckpoint.ConfigFile), ConfigJson(bert.Config, labels).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        AtomicFile.WriteAllText(Path.Combine(directory, SafetensorsBertCheckpoint.VocabFile), string.Concat(vocabulary.Select(v => v + "\n")));
    }

    /// <summary>BertConfig's JSON (with pruned_heads) as BertForSequenceClassification's config.</summary>
    public static JsonObject ConfigJson(BertConfig config, IReadOnlyList<string> labels)
    {
        var json = config.ToJson();
        json["architectures"] = new JsonArray("BertForSequenceClassification");
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (int i = 0; i < labels.Count; i++)
        {
            id2label[i.ToString(CultureInfo.InvariantCulture)] = labels[i];
            label2id[labels[i]] = i;
        }
        json["id2label"] = id2label;
        json["label2id"] = label2id;
        return json;
    }
}
