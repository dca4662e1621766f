using NativeDsp.Engine;
using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Transformer;

/// <summary>
/// Self-attention then feed-forward, each wrapped in dropout + residual + LayerNorm (post-LN by default,
/// pre-LN with <see cref="LayerOptions.PreNorm"/>). Parameter names follow fairseq:
/// self_attn, self_attn_layer_norm, ffn.fc1, ffn.fc2, final_layer_norm.
/// </summary>
public sealed class EncoderLayer : Module
{
    readonly bool preNorm;
    readonly Dropout dropout;

    public EncoderLayer(Device device, LayerOptions o, Rng dropoutRng)
    {
        preNorm = o.PreNorm;
        SelfAttention = RegisterModule("self_attn", new MultiHeadAttention(device, o.Dim, o.Heads));
        SelfAttentionNorm = RegisterModule("self_attn_layer_norm", new LayerNorm(device, o.Dim, o.LayerNormEps));
        FeedForward = RegisterModule("ffn", new FeedForward(device, o.Dim, o.Ffn, o.Activation, o.ActivationDropout, dropoutRng));
        FinalNorm = RegisterModule("final_layer_norm", new LayerNorm(device, o.Dim, o.LayerNormEps));
        dropout = RegisterModule("dropout", new Dropout(o.Dropout, dropoutRng));
    }

    public MultiHeadAttention SelfAttention { get; }
    public LayerNorm SelfAttentionNorm { get; }
    public FeedForward FeedForward { get; }
    public LayerNorm FinalNorm { get; }

    /// <summary>x [B, T, d], keyMask [B, T] (1 = token, 0 = padding) or null, gate = the model's global head gate or null.</summary>
    public Tensor Forward(Tensor x, Tensor? keyMask, Tensor? gate)
    {
        x = Residual(x, SelfAttentionNorm, h => SelfAttention.Forward(h, h, keyMask, causal: false, gate));
        return Residual(x, FinalNorm, FeedForward.Forward);
    }

    Tensor Residual(Tensor x, LayerNorm norm, Func<Tensor, Tensor> sublayer)
    {
        if (preNorm) return Ops.Add(x, dropout.Forward(sublayer(norm.Forward(x))));
        return norm.Forward(Ops.Add(x, dropout.Forward(sublayer(x))));
    }
}
