using NativeDsp.Engine;
using NativeDsp.Kernels;

namespace NativeDsp.Model.Layers;

/// <summary>
/// The position-wise feed-forward block: fc2(dropout(act(fc1(x)))), with fc1 [ffn, d] and fc2 [d, ffn]
/// (fairseq's names). The activation dropout is fairseq's "activation_dropout" (0 in BERT).
/// </summary>
public sealed class FeedForward : Module
{
    readonly Dropout activationDropout;

    /// <summary>fc1 [hidden, dim], fc2 [dim, hidden], zero-filled (ModelInit fills them); <paramref name="rng"/> is the model's dropout stream.</summary>
    /// <exception cref="ArgumentException">The activation is not ReLU, GELU or GELU-tanh.</exception>
    /// <exception cref="ArgumentOutOfRangeException">activationDropout is outside [0, 1).</exception>
    public FeedForward(Device device, int dim, int hidden, Activation activation, float activationDropout, Rng rng)
    {
        if (activation is not (Activation.Relu or Activation.Gelu or Activation.GeluTanh))
            throw new ArgumentException($"feed-forward: the activation must be ReLU or GELU, got {activation}");
        Activation = activation;
        Fc1 = RegisterModule("fc1", new Linear(device, dim, hidden));
        Fc2 = RegisterModule("fc2", new Linear(device, hidden, dim));
        this.activationDropout = RegisterModule("activation_dropout", new Dropout(activationDropout, rng));
    }

    /// <summary>The expansion d -> hidden.</summary>
    public Linear Fc1 { get; }
    /// <summary>The projection hidden -> d.</summary>
    public Linear Fc2 { get; }
    /// <summary>The activation between the two (ReLU in fairseq's Transformer, GELU in BERT).</summary>
    public Activation Activation { get; }

    /// <summary>fc2(dropout(act(fc1(x)))) for x [..., d]: [..., d].</summary>
    public Tensor Forward(Tensor x) => Fc2.Forward(activationDropout.Forward(Ops.Activate(Fc1.Forward(x), Activation)));
}
