namespace NativeDsp.Tests.References;

/// <summary>
/// Gumbel-soft-top-K exactly as written in the DSP reference code (rycolab/differentiable-subset-pruning,
/// gated_bert_utilities.py), in double and with no numerical care: r = w + g; for j = 1..K:
/// (j > 1) r += log(max(1 - p_{j-1}, eps)); p_j = exp(log_softmax(r / tau)); mask = sum_j p_j.
/// Its backward is the plain chain rule through those K steps. Where 1 - p cancels (p rounds to ~1) this
/// version is itself inexact; tests compare the kernels with it only where it is well-conditioned
/// (<see cref="Result.MinOneMinusPmax"/> not tiny).
/// </summary>
public static class SoftTopKReference
{
    /// <summary>torch.finfo(torch.float64).tiny.</summary>
    public const double Eps = 2.2250738585072014e-308;

    public sealed record Result(double[] Mask, double[][] P)
    {
        /// <summary>
        /// min over the iterations that feed a later one (all but the last) of 1 - max_h p_j[h], as this code
        /// computes it: how close it came to cancelling. 1 when there is no such iteration (K = 1).
        /// </summary>
        public double MinOneMinusPmax => P.Length < 2 ? 1.0 : P.Take(P.Length - 1).Min(p => 1.0 - p.Max());
    }

    public static Result Forward(double[] r0, int k, double tau)
    {
        int h = r0.Length;
        var r = (double[])r0.Clone();
        var mask = new double[h];
        var ps = new double[k][];
        for (int j = 0; j < k; j++)
        {
            if (j > 0)
                for (int i = 0; i < h; i++) r[i] += Math.Log(Math.Max(1.0 - ps[j - 1][i], Eps));
            var a = r.Select(x => x / tau).ToArray();
            double max = a.Max();
            double lse = max + Math.Log(a.Sum(x => Math.Exp(x - max)));
            ps[j] = a.Select(x => Math.Exp(x - lse)).ToArray();
            for (int i = 0; i < h; i++) mask[i] += ps[j][i];
        }
        return new Result(mask, ps);
    }

    /// <summary>
    /// dL/dr_1 (= dL/dw = dL/dg) from dL/dmask, going j = K..1 with dr = dL/dr_{j+1}:
    /// dp_j = dmask - [1 - p_j > eps] dr / (1 - p_j); dr += p_j (dp_j - &lt;dp_j, p_j&gt;) / tau.
    /// </summary>
    public static double[] Backward(Result forward, double[] dmask, double tau)
    {
        int h = dmask.Length, k = forward.P.Length;
        var dr = new double[h];
        for (int j = k - 1; j >= 0; j--)
        {
            var p = forward.P[j];
            var dp = new double[h];
            for (int i = 0; i < h; i++)
            {
                dp[i] = dmask[i];
                // r_{j+1} exists only for j < K (dr is 0 for the last iteration).
                if (j < k - 1 && 1.0 - p[i] > Eps) dp[i] -= dr[i] / (1.0 - p[i]);
            }
            double dot = 0;
            for (int i = 0; i < h; i++) dot += dp[i] * p[i];
            for (int i = 0; i < h; i++) dr[i] += p[i] * (dp[i] - dot) / tau;
        }
        return dr;
    }

    /// <summary>
    /// The same relaxation in log space, O(H^2) per iteration: log(1 - p_i) = logsumexp_{k != i}(a_k) -
    /// logsumexp(a), which does not cancel when p_i is near 1. A second, independent statement of the math
    /// for the regime where <see cref="Forward"/> is wrong (1 - p_max below ~1e-16), e.g. the kernels'
    /// ratio band. Needs scores a = r / tau of moderate size (tau ~ 1): it subtracts logsumexps.
    /// </summary>
    public static double[] MaskLogSpace(double[] r0, int k, double tau)
    {
        int h = r0.Length;
        var r = (double[])r0.Clone();
        var mask = new double[h];
        for (int j = 0; j < k; j++)
        {
            var a = r.Select(x => x / tau).ToArray();
            double lse = LogSumExp(a, exclude: -1);
            for (int i = 0; i < h; i++) mask[i] += Math.Exp(a[i] - lse);
            if (j < k - 1)
                for (int i = 0; i < h; i++) r[i] += Math.Max(LogSumExp(a, exclude: i) - lse, Math.Log(Eps));
        }
        return mask;
    }

    static double LogSumExp(double[] a, int exclude)
    {
        double max = a.Where((_, i) => i != exclude).DefaultIfEmpty(double.NegativeInfinity).Max();
        if (double.IsNegativeInfinity(max)) return max;
        return max + Math.Log(a.Where((_, i) => i != exclude).Sum(x => Math.Exp(x - max)));
    }

    /// <summary>The hard top-K of r: 1 for the K largest (lower index first on ties).</summary>
    public static double[] HardTopK(double[] r, int k)
    {
        var mask = new double[r.Length];
        foreach (int i in Enumerable.Range(0, r.Length).OrderByDescending(i => r[i]).ThenBy(i => i).Take(k)) mask[i] = 1;
        return mask;
    }
}
