namespace NativeDsp.Kernels;

/// <summary>
/// Scalar math shared by the Host and ILGPU kernels, so that both backends compute the same function.
/// Every method is a plain static function of floats using only arithmetic and MathF.Exp/Log/Sqrt/Tanh
/// (no arrays, no exceptions, no LINQ), which ILGPU can compile into a kernel.
/// </summary>
public static class KernelMath
{
    /// <summary>1 / sqrt(2).</summary>
    public const float InvSqrt2 = 0.70710678118654752f;

    /// <summary>1 / sqrt(2 pi): the standard normal density at 0.</summary>
    public const float InvSqrt2Pi = 0.39894228040143268f;

    /// <summary>sqrt(2 / pi), the scale inside GELU's tanh approximation.</summary>
    public const float Sqrt2OverPi = 0.79788456080286536f;

    /// <summary>The cubic coefficient of GELU's tanh approximation (Hendrycks and Gimpel).</summary>
    public const float GeluTanhCubic = 0.044715f;

    /// <summary>
    /// The error function in float: absolute error at most 1.2e-7 (about 2 ulp near 1), measured against a
    /// double-precision series on a 1e-4 grid over [-7, 7].
    /// For |x| &lt; 0.85 a Taylor series keeps the relative error small too (erf(x) ~ 2x/sqrt(pi)); elsewhere
    /// erf = 1 - erfc with Numerical Recipes' Chebyshev fit of erfc (fractional error &lt; 1.2e-7).
    /// Abramowitz-Stegun 7.1.26 (error 1.5e-7 in erf but with a visible bias near 0) is not used.
    /// </summary>
    public static float Erf(float x)
    {
        float z = MathF.Abs(x);
        if (z < 0.85f)
        {
            // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)), Horner in x^2; at |x| = 1 the
            // first omitted term (n = 12) is 8e-11, and the alternating terms stay below 1 (no cancellation).
            float x2 = x * x;
            float p = -1f / 918086400f;
            p = p * x2 + 1f / 76204800f;
            p = p * x2 - 1f / 6894720f;
            p = p * x2 + 1f / 685440f;
            p = p * x2 - 1f / 75600f;
            p = p * x2 + 1f / 9360f;
            p = p * x2 - 1f / 1320f;
            p = p * x2 + 1f / 216f;
            p = p * x2 - 1f / 42f;
            p = p * x2 + 1f / 10f;
            p = p * x2 - 1f / 3f;
            p = p * x2 + 1f;
            return 1.12837916709551257f * x * p;       // 2 / sqrt(pi)
        }
        float erfc = ErfcPositive(z);
        return x >= 0f ? 1f - erfc : erfc - 1f;
    }

    /// <summary>erfc(z) for z &gt;= 0, Numerical Recipes (2nd ed.) erfcc: fractional error &lt; 1.2e-7.</summary>
    public static float ErfcPositive(float z)
    {
        float t = 1f / (1f + 0.5f * z);
        float poly = -1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f +
                     t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f +
                     t * (-0.82215223f + t * 0.17087277f))))))));
        return t * MathF.Exp(-z * z + poly);
    }

    /// <summary>Standard normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2.</summary>
    public static float NormalCdf(float x) => 0.5f * (1f + Erf(x * InvSqrt2));

    /// <summary>Standard normal density phi(x).</summary>
    public static float NormalPdf(float x) => InvSqrt2Pi * MathF.Exp(-0.5f * x * x);

    /// <summary>Exact GELU: x * Phi(x).</summary>
    public static float Gelu(float x) => x * NormalCdf(x);

    /// <summary>d/dx [x Phi(x)] = Phi(x) + x phi(x).</summary>
    public static float GeluGrad(float x) => NormalCdf(x) + x * NormalPdf(x);

    /// <summary>GELU's tanh approximation: x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).</summary>
    public static float GeluTanh(float x)
    {
        float u = Sqrt2OverPi * (x + GeluTanhCubic * x * x * x);
        return 0.5f * x * (1f + MathF.Tanh(u));
    }

    /// <summary>Derivative of <see cref="GeluTanh"/>.</summary>
    public static float GeluTanhGrad(float x)
    {
        float x2 = x * x;
        float u = Sqrt2OverPi * (x + GeluTanhCubic * x2 * x);
        float th = MathF.Tanh(u);
        float du = Sqrt2OverPi * (1f + 3f * GeluTanhCubic * x2);
        return 0.5f * (1f + th) + 0.5f * x * Sech2(u) * du;
    }

    /// <summary>Logistic sigmoid; exp overflow to infinity for very negative x gives the right limit 0.</summary>
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>Derivative of the sigmoid in terms of its input.</summary>
    public static float SigmoidGrad(float x)
    {
        float s = Sigmoid(x);
        return s * (1f - s);
    }

    /// <summary>
    /// sech^2(u) = 1 - tanh^2(u), as q (2 - q) with q = 2 / (exp(2|u|) + 1) = 1 - tanh|u|: accurate to a few ulp
    /// relative even where tanh is near +-1 (1 - t*t there keeps no correct digit; GELU-tanh's derivative
    /// multiplies it by up to ~15).
    /// </summary>
    public static float Sech2(float u)
    {
        float q = 2f / (MathF.Exp(2f * MathF.Abs(u)) + 1f);
        return q * (2f - q);
    }

    /// <summary>Derivative of tanh in terms of its input.</summary>
    public static float TanhGrad(float x) => Sech2(x);

    /// <summary>max(x, 0).</summary>
    public static float Relu(float x) => x > 0f ? x : 0f;

    /// <summary>The ReLU subgradient, 0 at x = 0 (as PyTorch).</summary>
    public static float ReluGrad(float x) => x > 0f ? 1f : 0f;

    /// <summary>
    /// The factor of global-norm gradient clipping (torch.nn.utils.clip_grad_norm_): with
    /// norm = sqrt(<paramref name="sumSquares"/>), maxNorm / (norm + 1e-6) when norm &gt; maxNorm, else 1;
    /// also 1 for a non-finite norm (nothing is scaled, so the caller can stop on the norm).
    /// </summary>
    /// <param name="sumSquares">Sum of the squared gradient elements (&gt;= 0, or NaN/inf).</param>
    /// <param name="maxNorm">The largest global L2 norm allowed (&gt; 0).</param>
    public static float ClipScale(float sumSquares, float maxNorm)
    {
        float norm = MathF.Sqrt(sumSquares);
        return norm > maxNorm && norm <= float.MaxValue ? maxNorm / (norm + 1e-6f) : 1f;
    }

    // ---------------------------------------------------------------- the activation table
    // One row per Activation in each of the two switches below: its value and its derivative. The Host
    // and ILGPU kernels both run these formulas (Host also has vector paths for the common ones), and
    // ActivationTable rejects a value without a row here before any kernel runs.

    /// <summary>f(x) for an <see cref="Activation"/>; unknown values give NaN (kernels cannot throw).</summary>
    public static float Activate(Activation f, float x) => f switch
    {
        Activation.Relu => Relu(x),
        Activation.Gelu => Gelu(x),
        Activation.GeluTanh => GeluTanh(x),
        Activation.Tanh => MathF.Tanh(x),
        Activation.Sigmoid => Sigmoid(x),
        _ => float.NaN,
    };

    /// <summary>f'(x) for an <see cref="Activation"/>; unknown values give NaN.</summary>
    public static float ActivateGrad(Activation f, float x) => f switch
    {
        Activation.Relu => ReluGrad(x),
        Activation.Gelu => GeluGrad(x),
        Activation.GeluTanh => GeluTanhGrad(x),
        Activation.Tanh => TanhGrad(x),
        Activation.Sigmoid => SigmoidGrad(x),
        _ => float.NaN,
    };
}
