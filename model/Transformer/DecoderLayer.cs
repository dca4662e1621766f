using NativeDsp.Engine;
using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Transformer;

/// <summary>
/// Causal self-attention, cross attention over the encoder output, feed-forward; each with dropout,
/// residual and LayerNorm (post-LN default, pre-LN option). fairseq's names: self_attn,
/// self_attn_layer_norm, encoder_attn, encoder_attn_layer_norm, ffn.fc1, ffn.fc2, final_layer_norm.
/// </summary>
public sealed class DecoderLayer : Module
{
    readonly bool preNorm;
    readonly Dropout dropout;

    /// <summary>A zero-filled layer of shape <paramref name="o"/>; dropout draws from the model's <paramref name="dropoutRng"/>.</summary>
    /// <exception cref="ArgumentException">The head count does not divide the dim, or the activation is not ReLU/GELU.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dropout rate is outside [0, 1) or the eps is not positive.</exception>
    public DecoderLayer(Device device, LayerOptions o, Rng dropoutRng)
    {
        preNorm = o.PreNorm;
        SelfAttention = RegisterModule("self_attn", new MultiHeadAttention(device, o.Dim, o.Heads));
        SelfAttentionNorm = RegisterModule("self_attn_layer_norm", new LayerNorm(device, o.Dim, o.LayerNormEps));
        CrossAttention = RegisterModule("encoder_attn", new MultiHeadAttention(device, o.Dim, o.Heads));
        CrossAttentionNorm = RegisterModule("encoder_attn_layer_norm", new LayerNorm(device, o.Dim, o.LayerNormEps));
        FeedForward = RegisterModule("ffn", new FeedForward(device, o.Dim, o.Ffn, o.Activation, o.ActivationDropout, dropoutRng));
        FinalNorm = RegisterModule("final_layer_norm", new LayerNorm(device, o.Dim, o.LayerNormEps));
        dropout = RegisterModule("dropout", new Dropout(o.Dropout, dropoutRng));
    }

    /// <summary>Causal self-attention ("self_attn").</summary>
    public MultiHeadAttention SelfAttention { get; }
    /// <summary>The self-attention block's LayerNorm.</summary>
    public LayerNorm SelfAttentionNorm { get; }
    /// <summary>Attention over the encoder output ("encoder_attn").</summary>
    public MultiHeadAttention CrossAttention { get; }
    /// <summary>The cross-attention block's LayerNorm.</summary>
    public LayerNorm CrossAttentionNorm { get; }
    /// <summary>The feed-forward block ("ffn").</summary>
    public FeedForward FeedForward { get; }
    /// <summary>The feed-forward block's LayerNorm ("final_layer_norm").</summary>
    public LayerNorm FinalNorm { get; }

    /// <summary>
    /// x [B, T, d] (target positions), memory [B, S, d] (encoder output; may be null once the cache's cross
    /// part is filled), memoryMask [B, S]. With a cache, x holds only the new positions and the self-attention
    /// sees every cached one (the causal offset of the kernel aligns the new queries with the last keys).
    /// </summary>
    public Tensor Forward(Tensor x, Tensor? memory, Tensor? memoryMask, Tensor? gate, DecoderLayerCache? cache = null)
    {
        x = Residual(x, SelfAttentionNorm, h => SelfAttention.Forward(h, h, null, causal: true, gate, cache?.Self));
        x = Residual(x, CrossAttentionNorm, h => CrossAttention.Forward(h, memory, memoryMask, causal: false, gate, cache?.Cross));
        return Residual(x, FinalNorm, h => FeedForward.Forward(h));
    }

    Tensor Residual(Tensor x, LayerNorm norm, Func<Tensor, Tensor> sublayer)
    {
        if (preNorm) return Ops.Add(x, dropout.Forward(sublayer(norm.Forward(x))));
        return norm.Forward(Ops.Add(x, dropout.Forward(sublayer(x))));
    }
}
