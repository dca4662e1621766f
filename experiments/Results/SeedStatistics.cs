namespace NativeDsp.Experiments.Results;

/// <summary>The mean of n values over seeds and its two-sided confidence interval from Student's t distribution.</summary>
/// <param name="N">Values (seeds).</param>
/// <param name="Mean">Their mean.</param>
/// <param name="StandardDeviation">The sample standard deviation (n - 1 in the denominator); 0 for one value.</param>
/// <param name="HalfWidth">t_{(1+level)/2, n-1} x sd / sqrt(n); NaN for one value (no interval from one seed).</param>
public sealed record MeanInterval(int N, double Mean, double StandardDeviation, double HalfWidth)
{
    /// <summary>Mean - half-width (NaN for one value).</summary>
    public double Low => Mean - HalfWidth;

    /// <summary>Mean + half-width (NaN for one value).</summary>
    public double High => Mean + HalfWidth;

    /// <summary>Whether there is an interval at all (n &gt;= 2).</summary>
    public bool HasInterval => N >= 2;
}

/// <summary>
/// Confidence intervals over seeds: the mean with a Student-t interval, and the paired per-seed difference of two
/// methods (Student 1908; e.g. Wasserman, "All of Statistics", 2004, 10.7). The t quantile is computed here from the
/// regularized incomplete beta function (Press et al., "Numerical Recipes", 3rd ed., 6.4 and 6.14).
/// </summary>
public static class SeedStatistics
{
    /// <summary>The confidence level of every interval the reports print.</summary>
    public const double Level = 0.95;

    /// <summary>The mean of <paramref name="values"/> with its <paramref name="level"/> t interval.</summary>
    /// <exception cref="ArgumentException">No values, or a level outside (0, 1).</exception>
    public static MeanInterval Interval(IReadOnlyList<double> values, double level = Level)
    {
        if (values.Count == 0) throw new ArgumentException("an interval needs at least one value", nameof(values));
        if (!(level > 0 && level < 1)) throw new ArgumentException($"confidence level {level} must be in (0, 1)", nameof(level));
        int n = values.Count;
        double mean = values.Average();
        if (n < 2) return new MeanInterval(1, mean, 0, double.NaN);
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        return new MeanInterval(n, mean, sd, StudentTQuantile(0.5 + level / 2, n - 1) * sd / Math.Sqrt(n));
    }

    /// <summary>
    /// The paired difference a - b over the seeds both have (a seed missing from either side is left out), with its
    /// t interval; null when no seed is shared.
    /// </summary>
    public static MeanInterval? PairedDifference(IReadOnlyDictionary<int, double> a, IReadOnlyDictionary<int, double> b, double level = Level)
    {
        var diffs = a.Keys.Where(b.ContainsKey).Order().Select(seed => a[seed] - b[seed]).ToList();
        return diffs.Count == 0 ? null : Interval(diffs, level);
    }

    /// <summary>The p-quantile of Student's t distribution with <paramref name="df"/> degrees of freedom (t_{0.975,2} = 4.302653).</summary>
    /// <exception cref="ArgumentOutOfRangeException">p outside (0, 1) or df not &gt; 0.</exception>
    public static double StudentTQuantile(double p, double df)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "a quantile needs 0 < p < 1");
        if (!(df > 0) || double.IsInfinity(df)) throw new ArgumentOutOfRangeException(nameof(df), df, "degrees of freedom must be finite and > 0");
        if (p == 0.5) return 0;
        if (p < 0.5) return -StudentTQuantile(1 - p, df);
        // The CDF is increasing: bracket the quantile in [0, hi], then bisect to the last bit (a few hundred CDF calls).
        double lo = 0, hi = 1;
        while (StudentTCdf(hi, df) < p) { lo = hi; hi *= 2; }
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (StudentTCdf(mid, df) < p) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>P(T &lt;= t) for Student's t with <paramref name="df"/> degrees of freedom: 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2 for t &gt;= 0.</summary>
    public static double StudentTCdf(double t, double df)
    {
        double tail = 0.5 * RegularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t));
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>I_x(a, b), the regularized incomplete beta function, by its continued fraction (modified Lentz).</summary>
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) otherwise.
        return x < (a + 1) / (a + b + 2) ? front * BetaContinuedFraction(a, b, x) / a : 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
    }

    static double BetaContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300, eps = 1e-16;
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1, d = 1 - qab * x / qap;
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10000; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < eps) break;
        }
        return h;
    }

    /// <summary>ln Gamma(x) for x &gt; 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x); // reflection
        double[] c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        double sum = c[0];
        for (int i = 1; i < c.Length; i++) sum += c[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
