using NativeDsp.Model.Transformer;
using Onnx;
using static NativeDsp.Experiments.Export.OnnxTransformerLayers;

namespace NativeDsp.Experiments.Export;

/// <summary>
/// Writes an <see cref="NliClassifier"/> (trained, pruned or not) as an ONNX graph with the interface of
/// Hugging Face's sequence-classification exports (transformers.onnx / optimum, task
/// "text-classification"): inputs <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>, all int64
/// [batch, sequence], output <c>logits</c> float [batch, num_labels]. The graph computes what the
/// classifier computes in eval mode: token + position + token-type embeddings, LayerNorm, the encoder
/// layers with only their kept heads, the pooler tanh(W h_[CLS] + b) and the classification layer.
/// Opset <see cref="OnnxGraphBuilder.Opset"/>.
/// </summary>
public static class OnnxClassifierExport
{
    public static ModelProto Build(NliClassifier model)
    {
        var c = model.Config;
        var g = new OnnxGraphBuilder("nativedsp_nli_classifier");
        var ids = g.Input("input_ids", Int64Type, "batch", "sequence");
        var mask = g.Input("attention_mask", Int64Type, "batch", "sequence");
        var types = g.Input("token_type_ids", Int64Type, "batch", "sequence");

        var x = g.Node("Gather", [g.Weight("token_embedding.weight", model.TokenEmbedding.Weight.ToArray(), c.Vocab, c.DModel), ids]);
        x = g.Node("Add", [x, Positions(g, ids, "position_embedding.weight", model.PositionEmbedding.Weight.ToArray(), c.MaxPositions, c.DModel)]);
        x = g.Node("Add", [x, g.Node("Gather", [g.Weight("segment_embedding.weight", model.SegmentEmbedding.Weight.ToArray(), c.Segments, c.DModel), types])]);
        x = Norm(g, x, model.EmbeddingNorm, "embedding_layer_norm");
        var bias = g.KeyMaskBias(mask);
        for (int i = 0; i < model.Encoder.Layers.Count; i++)
            x = Encoder(g, x, bias, model.Encoder.Layers[i], c.PreNorm, $"encoder.layers.{i}");
        if (model.Encoder.FinalNorm is { } final) x = Norm(g, x, final, "encoder.layer_norm");

        var cls = g.Node("Gather", [x, g.Int64s([0])], [OnnxGraphBuilder.Int("axis", 1)]); // [B, d]
        var pooled = g.Node("Tanh", [g.Linear(cls, "pooler", model.Pooler.Weight.ToArray(), c.DModel, c.DModel, model.Pooler.Bias?.ToArray())]);
        var logits = g.Linear(pooled, "classifier", model.Classifier.Weight.ToArray(), c.Classes, c.DModel, model.Classifier.Bias?.ToArray());
        g.Output(logits, "logits", FloatType, "batch", c.Classes);
        return g.Model($"NativeDsp NLI classifier: {c.Layers} layers, d {c.DModel}, {model.HeadIndex.Count}/{model.HeadIndex.OriginalCount} heads kept");
    }

    /// <summary>Builds and writes the graph atomically to <paramref name="path"/>.</summary>
    public static void Write(NliClassifier model, string path) => OnnxGraphBuilder.Save(Build(model), path);
}
