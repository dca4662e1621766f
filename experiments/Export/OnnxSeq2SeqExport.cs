using NativeDsp.Engine;
using NativeDsp.Model.Layers;
using NativeDsp.Model.Transformer;
using Onnx;
using static NativeDsp.Experiments.Export.OnnxTransformerLayers;

namespace NativeDsp.Experiments.Export;

/// <summary>
/// Writes a <see cref="Seq2Seq"/> as two ONNX graphs in the split that Hugging Face optimum uses for
/// encoder-decoder models (encoder_model.onnx + decoder_model.onnx):
/// <list type="bullet">
/// <item><see cref="EncoderFile"/>: <c>input_ids</c>, <c>attention_mask</c> int64 [batch, encoder_sequence] ->
/// <c>last_hidden_state</c> float [batch, encoder_sequence, d].</item>
/// <item><see cref="DecoderFile"/>, one decoding step without a key/value cache: <c>input_ids</c> int64
/// [batch, decoder_sequence] (BOS and the tokens so far), <c>encoder_hidden_states</c> float [batch,
/// encoder_sequence, d], <c>encoder_attention_mask</c> int64 [batch, encoder_sequence] -> <c>logits</c> float
/// [batch, decoder_sequence, vocab]; the last position's logits score the next token.</item>
/// </list>
/// The cache-free step was chosen because it is stateless (a runtime needs no past_key_values plumbing, and
/// one graph serves greedy and beam search) and is exactly optimum's decoder_model.onnx interface; the cost is
/// recomputing the prefix at each step. Pruned heads are absent from both graphs. Opset <see cref="OnnxGraphBuilder.Opset"/>.
/// </summary>
public static class OnnxSeq2SeqExport
{
    public const string EncoderFile = "encoder_model.onnx";
    public const string DecoderFile = "decoder_model.onnx";

    public static ModelProto BuildEncoder(Seq2Seq model)
    {
        var c = model.Config;
        var g = new OnnxGraphBuilder("nativedsp_seq2seq_encoder");
        var ids = g.Input("input_ids", Int64Type, "batch", "encoder_sequence");
        var mask = g.Input("attention_mask", Int64Type, "batch", "encoder_sequence");
        var x = Embed(g, model, ids, model.SourceEmbedding, (IPositionalEmbedding)model.SourcePositions, "encoder_embed");
        var bias = g.KeyMaskBias(mask);
        for (int i = 0; i < model.Encoder.Layers.Count; i++)
            x = Encoder(g, x, bias, model.Encoder.Layers[i], c.PreNorm, $"encoder.layers.{i}");
        if (model.Encoder.FinalNorm is { } final) x = Norm(g, x, final, "encoder.layer_norm");
        g.Output(x, "last_hidden_state", FloatType, "batch", "encoder_sequence", c.DModel);
        return g.Model($"NativeDsp seq2seq encoder: {c.EncoderLayers} layers, d {c.DModel}");
    }

    public static ModelProto BuildDecoder(Seq2Seq model)
    {
        var c = model.Config;
        var g = new OnnxGraphBuilder("nativedsp_seq2seq_decoder");
        var ids = g.Input("input_ids", Int64Type, "batch", "decoder_sequence");
        var memory = g.Input("encoder_hidden_states", FloatType, "batch", "encoder_sequence", c.DModel);
        var memoryMask = g.Input("encoder_attention_mask", Int64Type, "batch", "encoder_sequence");
        var x = Embed(g, model, ids, model.TargetEmbedding, (IPositionalEmbedding)model.TargetPositions, "decoder_embed");

        // Causal bias [T, T]: 0 on and below the diagonal, the most negative float above (a lower-triangular Trilu of ones).
        var t = g.Node("Unsqueeze", [Length(g, ids), g.Int64s([0], 1)]);
        var ones = g.Node("ConstantOfShape", [g.Node("Concat", [t, t], [OnnxGraphBuilder.Int("axis", 0)])],
                          [OnnxGraphBuilder.TensorAttribute("value", OneFloat())]);
        var lower = g.Node("Trilu", [ones], [OnnxGraphBuilder.Int("upper", 0)]);
        var causal = g.Node("Mul", [g.Node("Sub", [g.Scalar(1f), lower]), g.Scalar(float.MinValue)]);

        var memoryBias = g.KeyMaskBias(memoryMask);
        for (int i = 0; i < model.Decoder.Layers.Count; i++)
            x = Decoder(g, x, causal, memory, memoryBias, model.Decoder.Layers[i], c.PreNorm, $"decoder.layers.{i}");
        if (model.Decoder.FinalNorm is { } final) x = Norm(g, x, final, "decoder.layer_norm");
        string logits = model.OutputProjection is { } proj
            ? g.Linear(x, "output_projection", proj.Weight.ToArray(), proj.OutFeatures, proj.InFeatures, null)
            : g.Linear(x, "output_projection_tied", model.TargetEmbedding.Weight.ToArray(), c.TargetVocab, c.DModel, null);
        g.Output(logits, "logits", FloatType, "batch", "decoder_sequence", c.TargetVocab);
        return g.Model($"NativeDsp seq2seq decoder step (no cache): {c.DecoderLayers} layers, d {c.DModel}");
    }

    /// <summary>Writes <see cref="EncoderFile"/> and <see cref="DecoderFile"/> into <paramref name="directory"/>, each atomically.</summary>
    public static void Write(Seq2Seq model, string directory)
    {
        Directory.CreateDirectory(directory);
        OnnxGraphBuilder.Save(BuildEncoder(model), Path.Combine(directory, EncoderFile));
        OnnxGraphBuilder.Save(BuildDecoder(model), Path.Combine(directory, DecoderFile));
    }

    /// <summary>Token embedding (scaled by sqrt(d) when the config says so) + positions from 0.</summary>
    static string Embed(OnnxGraphBuilder g, Seq2Seq model, string ids, Embedding tokens, IPositionalEmbedding positions, string prefix)
    {
        var c = model.Config;
        var x = g.Node("Gather", [g.Weight(prefix + "_tokens.weight", tokens.Weight.ToArray(), tokens.Count, tokens.Dim), ids]);
        if (c.ScaleEmbedding) x = g.Node("Mul", [x, g.Scalar(MathF.Sqrt(c.DModel))]);
        var table = PositionTable(model.Device, positions);
        return g.Node("Add", [x, Positions(g, ids, prefix + "_positions.weight", table, positions.MaxPositions, positions.Dim)]);
    }

    static TensorProto OneFloat()
    {
        var t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(1);
        t.FloatData.Add(1f);
        return t;
    }
}
