using NativeDsp.Kernels;

namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>ReLU, max(x, 0), element-wise (gradient 0 at x = 0); x's shape.</summary>
    public static Tensor Relu(Tensor x) => Activate(x, Activation.Relu);
    /// <summary>Exact GELU, x * Phi(x) (BERT, MiniLM).</summary>
    public static Tensor Gelu(Tensor x) => Activate(x, Activation.Gelu);
    /// <summary>GELU's tanh approximation (GPT-2).</summary>
    public static Tensor GeluTanh(Tensor x) => Activate(x, Activation.GeluTanh);
    /// <summary>tanh(x) element-wise; x's shape.</summary>
    public static Tensor Tanh(Tensor x) => Activate(x, Activation.Tanh);
    /// <summary>The logistic sigmoid 1 / (1 + e^-x) element-wise; x's shape.</summary>
    public static Tensor Sigmoid(Tensor x) => Activate(x, Activation.Sigmoid);

    /// <summary>y = f(x) element-wise; the backward reads the saved input x.</summary>
    public static Tensor Activate(Tensor x, Activation f)
    {
        var y = NewOutput(x, x.Shape);
        K(x).ActivationForward(f, x.Buffer, y.Buffer, x.Count);
        x.Device.Tape.Record(f.ToString().ToLowerInvariant(), y, [x],
            () => K(x).ActivationBackward(f, x.Buffer, Dy(y), G(x), x.Count));
        return y;
    }
}
