using NativeDsp.Model.Pruning;

namespace NativeDsp.Tests.Model.Pruning;

/// <summary>The bisection over lambda with a known, monotone heads-reached function.</summary>
public class LambdaSearchTests
{
    /// <summary>A stand-in for a short Voita run: 144 heads at lambda 1e-4, fewer as lambda grows (log-linear).</summary>
    static int Reached(double lambda) => Math.Clamp((int)Math.Round(144 - 30 * Math.Log10(lambda / 1e-4)), 0, 144);

    [Theory]
    [InlineData(36)]
    [InlineData(100)]
    [InlineData(7)]
    public void LandsOnTheRequestedK(int target)
    {
        var result = LambdaSearch.Bisect(Reached, target, 1e-5, 100, maxTrials: 30);
        Assert.Equal(target, result.Best.HeadsReached);
        Assert.Equal(Reached(result.Best.Lambda), result.Best.HeadsReached);
        Assert.True(result.Trials.Count < 30);
    }

    [Fact]
    public void ReportsTheClosestWhenTrialsRunOut()
    {
        var result = LambdaSearch.Bisect(Reached, 36, 1e-5, 100, maxTrials: 3);
        Assert.Equal(3, result.Trials.Count);
        int bestGap = result.Trials.Min(t => Math.Abs(t.HeadsReached - 36));
        Assert.Equal(bestGap, Math.Abs(result.Best.HeadsReached - 36));
        Assert.Throws<ArgumentOutOfRangeException>(() => LambdaSearch.Bisect(Reached, 36, 1, 0.5, 3));
    }
}
