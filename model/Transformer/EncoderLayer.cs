using NativeDsp.Engine;
using NativeDsp.Model.Layers;
using NativeDsp.Model.Pruning.Units;

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

    /// <summary>A zero-filled layer of shape <paramref name="o"/>; dropout draws from the model's <paramref name="dropoutRng"/>.</summary>
    /// <exception cref="ArgumentException">The head count does not divide the dim, or the activation is not ReLU/GELU.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dropout rate is outside [0, 1) or the eps is not positive.</exception>
    public EncoderLayer(Device device, LayerOptions o, Rng dropoutRng)
    {
        preNorm = o.PreNorm;
        SelfAttention = RegisterModule("self_attn", new MultiHeadAttention(device, o.Dim, o.Heads));
        SelfAttentionNorm = RegisterModule("self_attn_layer_norm", new LayerNorm(device, o.Dim, o.LayerNormEps));
        FeedForward = RegisterModule("ffn", new FeedForward(device, o.Dim, o.Ffn, o.Activation, o.ActivationDropout, dropoutRng));
        FinalNorm = RegisterModule("final_layer_norm", new LayerNorm(device, o.Dim, o.LayerNormEps));
        dropout = RegisterModule("dropout", new Dropout(o.Dropout, dropoutRng));
        if (preNorm)
        {
            // Pre-LN: each norm feeds only its branch (x + f(norm(x))), so it goes when the branch is removed.
            SelfAttention.InputNorm = new BranchInputNorm(SelfAttentionNorm, () => { RemoveModule("self_attn_layer_norm"); SelfAttentionNorm = null; });
            FeedForward.InputNorm = new BranchInputNorm(FinalNorm, () => { RemoveModule("final_layer_norm"); FinalNorm = null; });
        }
    }

    /// <summary>Self-attention ("self_attn").</summary>
    public MultiHeadAttention SelfAttention { get; }
    /// <summary>The self-attention block's LayerNorm; null in a pre-LN layer whose attention block was removed (only the block read it).</summary>
    public LayerNorm? SelfAttentionNorm { get; private set; }
    /// <summary>The feed-forward block ("ffn").</summary>
    public FeedForward FeedForward { get; }
    /// <summary>The feed-forward block's LayerNorm ("final_layer_norm"); null in a pre-LN layer whose FFN was removed (only the FFN read it).</summary>
    public LayerNorm? FinalNorm { get; private set; }

    /// <summary>x [B, T, d], keyMask [B, T] (1 = token, 0 = padding) or null, gate = the model's global head gate or null.</summary>
    public Tensor Forward(Tensor x, Tensor? keyMask, Tensor? gate) => Forward(x, keyMask, UnitGates.FromHeads(gate));

    /// <summary>
    /// x [B, T, d], keyMask [B, T] or null, and the model's unit gates: heads inside attention, neurons inside the
    /// FFN, and each block gate on its whole residual branch (x + dropout(g * branch(x))). A removed branch adds
    /// nothing: post-LN, x becomes norm(x) (the LayerNorm still runs on the residual); pre-LN, x stays x (and the norm that
    /// fed the branch is gone). That is what its block gate of 0 computes. A gates' observer
    /// (<see cref="UnitGates.Observer"/>) is shown each branch's input and output and each attention's head context.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor? keyMask, UnitGates gates)
    {
        var observer = gates.Observer;
        if (!SelfAttention.BranchRemoved)
            x = Residual(x, SelfAttentionNorm!, h => Observed(observer, SelfAttention, h, keyMask, Gated(
                SelfAttention.Forward(h, h, keyMask, causal: false, gates.Heads,
                                      observeContext: observer is null ? null : c => observer.HeadContexts(SelfAttention, h, c, keyMask)),
                gates.AttentionBlocks, SelfAttention.BlockOffset)));
        else if (!preNorm) x = SelfAttentionNorm!.Forward(x);
        if (!FeedForward.BranchRemoved)
            x = Residual(x, FinalNorm!, h => Observed(observer, FeedForward, h, keyMask, Gated(FeedForward.Forward(h, gates.Neurons), gates.FfnBlocks, FeedForward.BlockOffset)));
        else if (!preNorm) x = FinalNorm!.Forward(x);
        return x;
    }

    /// <summary>Hands the branch's input and gated output to the observer, if any (it only reads them).</summary>
    static Tensor Observed(IBranchObserver? observer, IResidualBranch branch, Tensor input, Tensor? keyMask, Tensor output)
    {
        observer?.Branch(branch, input, output, keyMask);
        return output;
    }

    static Tensor Gated(Tensor branch, Tensor? blockGate, int offset) =>
        UnitGates.Slice(blockGate, offset, 1, "encoder layer block gate") is { } g ? Ops.Mul(branch, g) : branch;

    Tensor Residual(Tensor x, LayerNorm norm, Func<Tensor, Tensor> sublayer)
    {
        if (preNorm) return Ops.Add(x, dropout.Forward(sublayer(norm.Forward(x))));
        return norm.Forward(Ops.Add(x, dropout.Forward(sublayer(x))));
    }
}
