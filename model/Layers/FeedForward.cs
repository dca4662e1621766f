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

    public FeedForward(Device device, int dim, int hidden, Activation activation, float activationDropout, Rng rng)
    {
        if (activation is not (Activation.Relu or Activation.Gelu or Activation.GeluTanh))
            throw new ArgumentException($"feed-forward: the activation must be ReLU or GELU, got {activation}");
        Activation = activation;
        Fc1 = RegisterModule("fc1", new Linear(device, dim, hidden));
        Fc2 = RegisterModule("fc2", new Linear(device, hidden, dim));
        this.activationDropout = RegisterModule("activation_dropout", new Dropout(activationDropout, rng));
    }

    public Linear Fc1 { get; }
    public Linear Fc2 { get; }
    public Activation Activation { get; }

    public Tensor Forward(Tensor x) => Fc2.Forward(activationDropout.Forward(Ops.Activate(Fc1.Forward(x), Activation)));
}
