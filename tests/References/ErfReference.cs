namespace NativeDsp.Tests.References;

/// <summary>
/// erf in double precision (.NET has none): erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1 3 5 ... (2n+1)),
/// a series of positive terms (no cancellation) that converges for every x; |x| &gt; 6 gives +-1 (erfc(6) ~ 2e-17).
/// </summary>
public static class ErfReference
{
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        if (z > 6) return Math.Sign(x);
        double term = z, sum = z;
        for (int n = 1; term > 1e-17 * sum; n++)
        {
            term *= 2 * z * z / (2 * n + 1);
            sum += term;
        }
        double r = 2 / Math.Sqrt(Math.PI) * Math.Exp(-z * z) * sum;
        return x < 0 ? -r : r;
    }
}
