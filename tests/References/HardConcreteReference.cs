namespace NativeDsp.Tests.References;

/// <summary>
/// Hard Concrete gates as in Voita et al.'s code (the-story-of-heads, concrete_gate.py), in double:
/// sample = clip(sigmoid((log u - log(1 - u) + log_a) / beta) (high - low) + low, 0, 1);
/// eval = clip(sigmoid(log_a) (high - low) + low, 0, 1);
/// penalty = sum clip(sigmoid(log_a - beta log(-low / high)), eps, 1 - eps).
/// Gradients by the plain chain rule (sigmoid' = s (1 - s); clip passes the gradient inside its bounds).
/// </summary>
public static class HardConcreteReference
{
    public const double Eps = 1e-6;

    static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <summary>The uniform noise of the reference, from the same Philox counter as the kernels.</summary>
    public static double Uniform(ulong seed, ulong index) =>
        Eps + (1.0 - 2.0 * Eps) * NativeDsp.Kernels.Random.Philox.Uniform(seed, index);

    public static double LogisticNoise(double u) => Math.Log(u) - Math.Log(1.0 - u);

    public static double Sample(double logA, double noise, double beta, double low, double high) =>
        Math.Clamp(Sigmoid((noise + logA) / beta) * (high - low) + low, 0.0, 1.0);

    public static double SampleGradient(double logA, double noise, double beta, double low, double high)
    {
        double s = Sigmoid((noise + logA) / beta);
        double stretched = s * (high - low) + low;
        return stretched < 0 || stretched > 1 ? 0.0 : (high - low) * s * (1 - s) / beta;
    }

    public static double Eval(double logA, double low, double high) =>
        Math.Clamp(Sigmoid(logA) * (high - low) + low, 0.0, 1.0);

    public static double Penalty(double[] logA, double beta, double low, double high) =>
        logA.Sum(a => Math.Clamp(Sigmoid(a - beta * Math.Log(-low / high)), Eps, 1 - Eps));

    public static double PenaltyGradient(double logA, double beta, double low, double high)
    {
        double s = Sigmoid(logA - beta * Math.Log(-low / high));
        return s < Eps || s > 1 - Eps ? 0.0 : s * (1 - s);
    }
}
