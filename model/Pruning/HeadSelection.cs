namespace NativeDsp.Model.Pruning;

/// <summary>Deterministic top-K selection of heads by score, the test-time mask of every method.</summary>
public static class HeadSelection
{
    /// <summary>
    /// Exactly budget.Total heads: the highest scores overall, or the highest K_l inside each module for a
    /// per-module budget. Ties go to the lower head id (as the STE kernel does), NaN scores rank last.
    /// </summary>
    public static bool[] TopK(ReadOnlySpan<float> scores, HeadBudget budget, HeadIndex index)
    {
        if (scores.Length != index.Count) throw new ArgumentException($"head selection: {scores.Length} scores for {index.Count} heads");
        budget.Validate(index);
        var keep = new bool[index.Count];
        var s = scores.ToArray();
        if (budget.Modules is not { } perModule)
        {
            foreach (int h in Ranked(s, 0, index.Count).Take(budget.Total)) keep[h] = true;
            return keep;
        }
        for (int m = 0; m < index.Groups.Count; m++)
        {
            var g = index.Groups[m];
            foreach (int h in Ranked(s, g.Offset, g.Count).Take(perModule[m])) keep[h] = true;
        }
        return keep;
    }

    /// <summary>Head ids [start, start + count) from the highest score down (lower id first on ties).</summary>
    public static IEnumerable<int> Ranked(float[] scores, int start, int count) =>
        Enumerable.Range(start, count).OrderByDescending(h => float.IsNaN(scores[h]) ? float.NegativeInfinity : scores[h]).ThenBy(h => h);

    /// <summary>The 0/1 gate values of a keep set.</summary>
    public static float[] ToGate(bool[] keep) => keep.Select(k => k ? 1f : 0f).ToArray();

    /// <summary>The kept head ids, ascending.</summary>
    public static int[] Ids(bool[] keep) => Enumerable.Range(0, keep.Length).Where(h => keep[h]).ToArray();
}
