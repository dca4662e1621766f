namespace NativeDsp.Model.Pruning;

/// <summary>One short run of a lambda search: the lambda tried and the number of heads its gates left open.</summary>
public sealed record LambdaTrial(double Lambda, int HeadsReached);

/// <summary>The trials in the order run, and the one whose K came closest to the target (the smaller lambda on ties).</summary>
public sealed record LambdaSearchResult(int TargetK, IReadOnlyList<LambdaTrial> Trials)
{
    /// <summary>The trial whose K came closest to the target (the smaller lambda on ties).</summary>
    /// <exception cref="InvalidOperationException">There are no trials.</exception>
    public LambdaTrial Best => Trials.OrderBy(t => Math.Abs(t.HeadsReached - TargetK)).ThenBy(t => t.Lambda).First();
}

/// <summary>
/// Finds Voita's lambda for a requested head count: the penalty reaches K only indirectly, and more
/// lambda closes more gates, so bisection (in log lambda) over short runs lands near K. Each trial is the
/// caller's short run returning the heads left open (gate &gt; 0.5).
/// </summary>
public static class LambdaSearch
{
    /// <param name="trial">Runs the method with lambda from the same starting point and returns the heads reached.</param>
    /// <param name="targetK">The head count wanted.</param>
    /// <param name="low">A lambda expected to leave more than K heads.</param>
    /// <param name="high">A lambda expected to leave fewer than K heads.</param>
    /// <param name="maxTrials">Short runs allowed in all (at least 1).</param>
    public static LambdaSearchResult Bisect(Func<double, int> trial, int targetK, double low, double high, int maxTrials)
    {
        if (!(low > 0) || !(high > low)) throw new ArgumentOutOfRangeException(nameof(low), $"lambda search: needs 0 < low < high, got [{low}, {high}]");
        if (maxTrials < 1) throw new ArgumentOutOfRangeException(nameof(maxTrials), maxTrials, "lambda search: needs at least one trial");
        var trials = new List<LambdaTrial>();
        double lo = Math.Log(low), hi = Math.Log(high);
        while (trials.Count < maxTrials)
        {
            double lambda = Math.Exp(0.5 * (lo + hi));
            int reached = trial(lambda);
            trials.Add(new LambdaTrial(lambda, reached));
            if (reached == targetK) break;
            if (reached > targetK) lo = Math.Log(lambda); // too many heads open: penalise more
            else hi = Math.Log(lambda);
        }
        return new LambdaSearchResult(targetK, trials);
    }
}
