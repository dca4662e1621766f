using NativeDsp.Kernels;

namespace NativeDsp.Tests.References;

/// <summary>The activations and their derivatives in double, written from their definitions.</summary>
public static class ActivationReference
{
    const double GeluTanhCubic = 0.044715;

    public static double Forward(Activation f, double x) => f switch
    {
        Activation.Relu => x > 0 ? x : 0,
        Activation.Gelu => x * Phi(x),
        Activation.GeluTanh => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + GeluTanhCubic * x * x * x))),
        Activation.Tanh => Math.Tanh(x),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    public static double Derivative(Activation f, double x)
    {
        switch (f)
        {
            case Activation.Relu: return x > 0 ? 1 : 0;
            case Activation.Gelu: return Phi(x) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
            case Activation.GeluTanh:
            {
                double c = Math.Sqrt(2 / Math.PI);
                double t = Math.Tanh(c * (x + GeluTanhCubic * x * x * x));
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * GeluTanhCubic * x * x);
            }
            case Activation.Tanh: { double t = Math.Tanh(x); return 1 - t * t; }
            case Activation.Sigmoid: { double s = 1 / (1 + Math.Exp(-x)); return s * (1 - s); }
            default: throw new ArgumentOutOfRangeException(nameof(f));
        }
    }

    public static double[] Forward(Activation f, double[] x) => Array.ConvertAll(x, v => Forward(f, v));

    /// <summary>dx + f'(x) * dy.</summary>
    public static double[] Backward(Activation f, double[] x, double[] dy, double[] dx)
    {
        var result = (double[])dx.Clone();
        for (int i = 0; i < x.Length; i++) result[i] += Derivative(f, x[i]) * dy[i];
        return result;
    }

    static double Phi(double x) => 0.5 * (1 + ErfReference.Erf(x / Math.Sqrt(2)));
}
