using NativeDsp.Engine;
using NativeDsp.Model.Layers;
using NativeDsp.Model.Transformer;
using Onnx;

namespace NativeDsp.Experiments.Export;

/// <summary>
/// NativeDsp's encoder and decoder layers (post-LN or pre-LN, as <see cref="EncoderLayer"/> and
/// <see cref="DecoderLayer"/> compute them in eval mode, i.e. without dropout) written as ONNX nodes. Each
/// attention module is exported with its current heads only, so physically pruned heads are absent from
/// the graph: the Q/K/V weights have (kept heads x head size) rows and out_proj as many columns.
/// </summary>
public static class OnnxTransformerLayers
{
    /// <summary>
    /// One encoder layer over x [B, T, d] with the key-mask bias [B, 1, 1, T] (or null), as <see cref="EncoderLayer"/>
    /// computes it after unit pruning: only the kept heads and FFN neurons (the matrices' physical widths), and a
    /// removed attention or FFN branch skipped (post-LN: x becomes norm(x), the LayerNorm still applies to the residual;
    /// pre-LN: x passes unchanged, and the removed branch's input norm is gone).
    /// </summary>
    public static string Encoder(OnnxGraphBuilder g, string x, string? maskBias, EncoderLayer layer, bool preNorm, string prefix)
    {
        var a = layer.SelfAttention;
        x = Branch(g, x, a.BranchRemoved, layer.SelfAttentionNorm, preNorm, prefix + ".self_attn_layer_norm",
                   h => g.Attention(h, h, maskBias, prefix + ".self_attn", AttentionWeights.Of(a), a.Heads, a.HeadDim, a.ModelDim));
        return Branch(g, x, layer.FeedForward.BranchRemoved, layer.FinalNorm, preNorm, prefix + ".final_layer_norm",
                      h => FeedForward(g, h, layer.FeedForward, prefix + ".ffn"));
    }

    /// <summary>A residual sub-layer, or for a removed branch what the layer computes without it: post-LN norm(x), pre-LN x.</summary>
    static string Branch(OnnxGraphBuilder g, string x, bool removed, LayerNorm? norm, bool preNorm, string normPrefix, Func<string, string> sublayer)
    {
        if (removed) return preNorm ? x : Norm(g, x, norm ?? throw new InvalidOperationException($"ONNX export: {normPrefix} is missing in a post-LN layer"), normPrefix);
        return Residual(g, x, norm ?? throw new InvalidOperationException($"ONNX export: {normPrefix} is missing beside a branch that is there"), preNorm, normPrefix, sublayer);
    }

    /// <summary>
    /// One decoder layer over x [B, T, d]: causal self-attention (<paramref name="causalBias"/> [T, T]), cross
    /// attention over <paramref name="memory"/> [B, S, d] with its key-mask bias, feed-forward.
    /// </summary>
    public static string Decoder(OnnxGraphBuilder g, string x, string causalBias, string memory, string? memoryBias, DecoderLayer layer, bool preNorm, string prefix)
    {
        var s = layer.SelfAttention;
        var c = layer.CrossAttention;
        x = Residual(g, x, layer.SelfAttentionNorm, preNorm, prefix + ".self_attn_layer_norm",
                     h => g.Attention(h, h, causalBias, prefix + ".self_attn", AttentionWeights.Of(s), s.Heads, s.HeadDim, s.ModelDim));
        x = Residual(g, x, layer.CrossAttentionNorm, preNorm, prefix + ".encoder_attn_layer_norm",
                     h => g.Attention(h, memory, memoryBias, prefix + ".encoder_attn", AttentionWeights.Of(c), c.Heads, c.HeadDim, c.ModelDim));
        return Residual(g, x, layer.FinalNorm, preNorm, prefix + ".final_layer_norm", h => FeedForward(g, h, layer.FeedForward, prefix + ".ffn"));
    }

    /// <summary>
    /// fc2(act(fc1(x))) with the FFN's current (kept) neurons; with none left, fc2's bias alone (what
    /// <see cref="Model.Layers.FeedForward.Forward"/> computes then), so no zero-width matrix enters the graph.
    /// </summary>
    public static string FeedForward(OnnxGraphBuilder g, string x, FeedForward ffn, string prefix)
    {
        if (ffn.Neurons == 0)
        {
            var zeros = g.Node("Mul", [x, g.Scalar(0f)]);
            return ffn.Fc2.Bias is null ? zeros : g.Node("Add", [zeros, g.Weight(prefix + ".fc2.bias", ffn.Fc2.Bias.ToArray(), ffn.Fc2.OutFeatures)]);
        }
        var h = g.Linear(x, prefix + ".fc1", ffn.Fc1.Weight.ToArray(), ffn.Fc1.OutFeatures, ffn.Fc1.InFeatures, ffn.Fc1.Bias?.ToArray());
        h = g.Activate(h, ffn.Activation);
        return g.Linear(h, prefix + ".fc2", ffn.Fc2.Weight.ToArray(), ffn.Fc2.OutFeatures, ffn.Fc2.InFeatures, ffn.Fc2.Bias?.ToArray());
    }

    public static string Norm(OnnxGraphBuilder g, string x, LayerNorm norm, string prefix) =>
        g.LayerNorm(x, prefix, norm.Weight.ToArray(), norm.Bias.ToArray(), norm.Eps);

    /// <summary>Post-LN: norm(x + f(x)); pre-LN: x + f(norm(x)).</summary>
    static string Residual(OnnxGraphBuilder g, string x, LayerNorm norm, bool preNorm, string normPrefix, Func<string, string> sublayer) =>
        preNorm ? g.Node("Add", [x, sublayer(Norm(g, x, norm, normPrefix))])
                : Norm(g, g.Node("Add", [x, sublayer(x)]), norm, normPrefix);

    /// <summary>The sequence length of ids [B, T] as an int64 scalar.</summary>
    public static string Length(OnnxGraphBuilder g, string ids) =>
        g.Node("Gather", [g.Node("Shape", [ids]), g.Int64s([1])], [OnnxGraphBuilder.Int("axis", 0)]);

    /// <summary>The rows [0, T) of a position table [P, d] stored as weight <paramref name="name"/>: [T, d].</summary>
    public static string Positions(OnnxGraphBuilder g, string ids, string name, float[] table, int maxPositions, int dim)
    {
        var range = g.Node("Range", [g.Int64s([0]), Length(g, ids), g.Int64s([1])]);
        return g.Node("Gather", [g.Weight(name, table, maxPositions, dim), range], [OnnxGraphBuilder.Int("axis", 0)]);
    }

    /// <summary>The table of a positional embedding (learned or sinusoidal) as host values [MaxPositions, Dim].</summary>
    public static float[] PositionTable(Device device, IPositionalEmbedding positions)
    {
        using var scope = device.Scope();
        using var noGrad = NoGrad.Scope();
        return positions.Forward(0, positions.MaxPositions).ToArray();
    }

    public const TensorProto.Types.DataType Int64Type = TensorProto.Types.DataType.Int64;
    public const TensorProto.Types.DataType FloatType = TensorProto.Types.DataType.Float;
}
