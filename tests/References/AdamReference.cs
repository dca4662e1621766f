namespace NativeDsp.Tests.References;

/// <summary>
/// One Adam step in double, as the textbook writes it (Kingma and Ba, Algorithm 1; Loshchilov and Hutter for AdamW):
/// g += wd p (L2) or p -= lr wd p (decoupled); m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
/// p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
/// </summary>
public static class AdamReference
{
    public static (double[] P, double[] M, double[] V) Step(double[] p, double[] g, double[] m, double[] v,
        double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled, int t)
    {
        var rp = (double[])p.Clone();
        var rm = (double[])m.Clone();
        var rv = (double[])v.Clone();
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i];
            if (decoupled) rp[i] -= lr * weightDecay * rp[i];
            else grad += weightDecay * rp[i];
            rm[i] = beta1 * rm[i] + (1 - beta1) * grad;
            rv[i] = beta2 * rv[i] + (1 - beta2) * grad * grad;
            double mhat = rm[i] / (1 - Math.Pow(beta1, t));
            double vhat = rv[i] / (1 - Math.Pow(beta2, t));
            rp[i] -= lr * mhat / (Math.Sqrt(vhat) + eps);
        }
        return (rp, rm, rv);
    }
}
