using NativeDsp.Kernels.Random;

namespace NativeDsp.Kernels.Pruning;

/// <summary>
/// Parameters of the Hard Concrete head gates (Louizos et al. 2018, as used for heads by Voita et al. 2019):
/// temperature <see cref="Beta"/> and the stretch interval (<see cref="Low"/>, <see cref="High"/>).
/// </summary>
public readonly record struct HardConcreteGate(double Beta, double Low, double High)
{
    /// <summary>Voita et al.'s values: beta = 0.33, stretch (-0.1, 1.1).</summary>
    public static HardConcreteGate Default => new(0.33, -0.1, 1.1);

    /// <summary>Keeps the uniform noise in [eps, 1 - eps] and the open probability of the penalty in [eps, 1 - eps].</summary>
    public const double Eps = 1e-6;
}

/// <summary>
/// The scalar math of the Hard Concrete gate, in double, shared by the Host kernels and the ILGPU kernels
/// (plain static code that ILGPU compiles). z = (l + log_a) / beta with l the logistic noise;
/// s = sigmoid(z); gate = clamp(s (high - low) + low, 0, 1). The reference in tests/References is written
/// independently.
/// </summary>
public static class HardConcreteMath
{
    // Math.Clamp is avoided throughout: it may throw, which a GPU kernel cannot.
    static double Clamp01(double x) => Math.Min(Math.Max(x, 0.0), 1.0);

    /// <summary>sigmoid(z) without overflow: exp is only taken of a non-positive number.</summary>
    public static double Sigmoid(double z)
    {
        if (z >= 0) return 1.0 / (1.0 + Math.Exp(-z));
        double e = Math.Exp(z);
        return e / (1.0 + e);
    }

    /// <summary>
    /// Logistic noise l = log u - log(1 - u), with u = eps + (1 - 2 eps) U and U = Philox.Uniform(seed, index):
    /// u uniform in [eps, 1 - eps] as in the reference (tf.random_uniform(shape, eps, 1 - eps)).
    /// </summary>
    public static double LogisticNoise(ulong seed, ulong index)
    {
        double u = HardConcreteGate.Eps + (1.0 - 2.0 * HardConcreteGate.Eps) * Philox.Uniform(seed, index);
        return Math.Log(u) - Math.Log(1.0 - u);
    }

    /// <summary>The sampled (training) gate for one head.</summary>
    public static double Gate(double logAlpha, double noise, double beta, double low, double high)
    {
        double s = Sigmoid((noise + logAlpha) / beta);
        return Clamp01(s * (high - low) + low);
    }

    /// <summary>
    /// d gate / d log_a = (high - low) s (1 - s) / beta inside the stretch, 0 where the clamp is active
    /// (the clamp's gradient passes at its bounds, as torch.clamp and tf.clip_by_value do).
    /// s (1 - s) is formed as sigmoid(z) sigmoid(-z): no cancellation when s is near 1.
    /// </summary>
    public static double GateGradient(double logAlpha, double noise, double beta, double low, double high)
    {
        double z = (noise + logAlpha) / beta;
        double s = Sigmoid(z);
        double stretched = s * (high - low) + low;
        if (stretched < 0.0 || stretched > 1.0) return 0.0;
        return (high - low) * s * Sigmoid(-z) / beta;
    }

    /// <summary>The deterministic (evaluation) gate: clamp(sigmoid(log_a) (high - low) + low, 0, 1).</summary>
    public static double EvalGate(double logAlpha, double low, double high) =>
        Clamp01(Sigmoid(logAlpha) * (high - low) + low);

    /// <summary>
    /// P(gate is not closed) = sigmoid(log_a - beta log(-low / high)), clamped to [eps, 1 - eps] as in the
    /// reference; the expected-L0 penalty is its sum over heads.
    /// </summary>
    public static double OpenProbability(double logAlpha, double beta, double low, double high) =>
        Math.Min(Math.Max(Sigmoid(logAlpha - beta * Math.Log(-low / high)), HardConcreteGate.Eps), 1.0 - HardConcreteGate.Eps);

    /// <summary>d OpenProbability / d log_a: sigmoid'(x) inside [eps, 1 - eps], 0 where clamped.</summary>
    public static double OpenProbabilityGradient(double logAlpha, double beta, double low, double high)
    {
        double x = logAlpha - beta * Math.Log(-low / high);
        double s = Sigmoid(x);
        if (s < HardConcreteGate.Eps || s > 1.0 - HardConcreteGate.Eps) return 0.0;
        return s * Sigmoid(-x);
    }
}
