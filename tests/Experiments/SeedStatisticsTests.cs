using NativeDsp.Experiments.Results;

namespace NativeDsp.Tests.Experiments;

/// <summary>The t quantile against table values, and intervals and verdicts against hand-computed ones.</summary>
public sealed class SeedStatisticsTests
{
    // Table values of Student's t (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2), printed to 6 decimals: the
    // tolerance 1e-6 is their rounding; the bisection itself converges to ~1e-15.
    [Theory]
    [InlineData(0.975, 1, 12.706205)]
    [InlineData(0.975, 2, 4.302653)]
    [InlineData(0.975, 4, 2.776445)]
    [InlineData(0.975, 10, 2.228139)]
    [InlineData(0.975, 30, 2.042272)]
    [InlineData(0.95, 3, 2.353363)]
    [InlineData(0.995, 5, 4.032143)]
    public void T_quantile_matches_the_table(double p, double df, double expected) =>
        Assert.Equal(expected, SeedStatistics.StudentTQuantile(p, df), 1e-6);

    [Fact]
    public void T_quantile_is_symmetric_and_tends_to_the_normal()
    {
        Assert.Equal(0, SeedStatistics.StudentTQuantile(0.5, 3));
        Assert.Equal(-SeedStatistics.StudentTQuantile(0.975, 4), SeedStatistics.StudentTQuantile(0.025, 4), 1e-12);
        Assert.Equal(1.959964, SeedStatistics.StudentTQuantile(0.975, 1e7), 1e-5); // z_{0.975}
        // One degree of freedom is the Cauchy distribution: its quantile is tan(pi (p - 1/2)).
        Assert.Equal(Math.Tan(Math.PI * 0.4), SeedStatistics.StudentTQuantile(0.9, 1), 1e-9);
        Assert.Throws<ArgumentOutOfRangeException>(() => SeedStatistics.StudentTQuantile(1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeedStatistics.StudentTQuantile(0.9, 0));
    }

    [Fact]
    public void Interval_of_three_seeds_by_hand()
    {
        // mean 0.6, sd 0.1, half-width t_{0.975,2} * 0.1 / sqrt(3) = 4.302653 * 0.057735027 = 0.248414.
        var m = SeedStatistics.Interval([0.5, 0.6, 0.7]);
        Assert.Equal(3, m.N);
        Assert.Equal(0.6, m.Mean, 1e-12);
        Assert.Equal(0.1, m.StandardDeviation, 1e-12);
        Assert.Equal(0.248414, m.HalfWidth, 1e-6);
        Assert.Equal(0.6 - 0.248414, m.Low, 1e-6);
        var one = SeedStatistics.Interval([0.4]);
        Assert.False(one.HasInterval);
        Assert.True(double.IsNaN(one.HalfWidth));
    }

    [Fact]
    public void Paired_difference_uses_the_shared_seeds_by_hand()
    {
        // Seeds 1-3 are shared: differences 0.1, 0.05, 0.1; mean 0.083333, sd 0.0288675, half-width
        // 4.302653 * 0.0288675 / sqrt(3) = 0.0717109; seeds 4 and 5 (one side only) are left out.
        var a = new Dictionary<int, double> { [1] = 0.6, [2] = 0.7, [3] = 0.8, [4] = 0.9 };
        var b = new Dictionary<int, double> { [1] = 0.5, [2] = 0.65, [3] = 0.7, [5] = 0.1 };
        var d = SeedStatistics.PairedDifference(a, b)!;
        Assert.Equal(3, d.N);
        Assert.Equal(0.0833333, d.Mean, 1e-6);
        Assert.Equal(0.0288675, d.StandardDeviation, 1e-6);
        Assert.Equal(0.0717109, d.HalfWidth, 1e-6);
        Assert.Equal(Verdict.Supported, ClaimsReport.Decide(d)); // [0.0116, 0.1550] lies above 0
        Assert.Null(SeedStatistics.PairedDifference(a, new Dictionary<int, double> { [9] = 1 }));
    }

    [Fact]
    public void Verdicts_follow_the_decision_rule()
    {
        Assert.Equal(Verdict.Supported, ClaimsReport.Decide(new MeanInterval(3, 0.05, 0.01, 0.02)));
        Assert.Equal(Verdict.NotSupported, ClaimsReport.Decide(new MeanInterval(3, -0.05, 0.01, 0.02)));
        Assert.Equal(Verdict.Inconclusive, ClaimsReport.Decide(new MeanInterval(3, 0.01, 0.01, 0.02)));
        Assert.Equal(Verdict.Inconclusive, ClaimsReport.Decide(new MeanInterval(1, 0.3, 0, double.NaN)));
        Assert.Equal(Verdict.Inconclusive, ClaimsReport.Decide(null));
        Assert.Equal(Verdict.Supported, ClaimsReport.Combine([Verdict.Supported, Verdict.Supported]));
        Assert.Equal(Verdict.NotSupported, ClaimsReport.Combine([Verdict.Supported, Verdict.NotSupported, Verdict.Inconclusive]));
        Assert.Equal(Verdict.Inconclusive, ClaimsReport.Combine([Verdict.Supported, Verdict.Inconclusive]));
    }

    static ResultRow Row(string setting, string method, int k, int seed, double value) => new()
    {
        Task = "nli", Setting = setting, Method = method, HeadsTotal = 12, HeadsKept = k, Seed = seed, Metric = "accuracy", Value = value,
        KeptPerModule = $"encoder.layers.0.self_attn={k}", Device = "host", Preset = "quick",
    };

    [Fact]
    public void Claims_report_decides_each_claim_from_the_rows()
    {
        var rows = new List<ResultRow>();
        for (int seed = 1; seed <= 3; seed++)
        {
            double jitter = 0.01 * seed;
            rows.Add(Row("pipelined", "none", 12, seed, 0.80 + jitter));
            foreach (int k in new[] { 2, 6 })
            {
                rows.Add(Row("pipelined", "dsp", k, seed, 0.70 + jitter + 0.01 * k));
                rows.Add(Row("pipelined", "ste", k, seed, 0.60 + jitter + 0.01 * k + 0.002 * seed));   // DSP clearly ahead
                rows.Add(Row("pipelined", "voita", k, seed, 0.75 + jitter + 0.01 * k + 0.001 * seed)); // DSP clearly behind
                rows.Add(Row("pipelined", "michel", k, seed, 0.50 + jitter + 0.01 * k + 0.003 * seed));
            }
        }
        rows.Add(Row("joint", "dsp", 2, 1, 0.7));
        rows.Add(Row("joint", "ste", 2, 1, 0.6)); // one seed: no interval
        string report = ClaimsReport.Format(rows, "test/results.csv");
        Assert.Contains("| DSP >= ste at every K | pipelined | supported |", report);
        Assert.Contains("| DSP >= voita at every K | pipelined | not supported |", report);
        Assert.Contains("| DSP >= ste at every K | joint | inconclusive |", report);
        Assert.Contains("| exact K | both | supported | DSP kept exactly K heads in 7 of 7 rows", report);
        Assert.Contains("(lowest at the smallest K = 2) | pipelined | supported |", report);
    }
}
