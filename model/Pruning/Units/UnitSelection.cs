namespace NativeDsp.Model.Pruning.Units;

/// <summary>Deterministic top-K of units by score under a <see cref="UnitBudget"/>: the final mask of every unit method.</summary>
public static class UnitSelection
{
    /// <summary>
    /// Exactly budget.Total units: the K highest scores inside each segment; units outside every segment are
    /// kept. Ties go to the lower id, NaN ranks last (as <see cref="HeadSelection.TopK"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The scores do not have one entry per unit, or the budget does not fit.</exception>
    public static bool[] TopK(ReadOnlySpan<float> scores, UnitBudget budget, UnitIndex index)
    {
        if (scores.Length != index.Count) throw new ArgumentException($"unit selection: {scores.Length} scores for {index.Count} units");
        budget.Validate(index);
        var keep = Enumerable.Repeat(true, index.Count).ToArray();
        var s = scores.ToArray();
        foreach (var seg in budget.Segments)
        {
            for (int u = seg.Offset; u < seg.Offset + seg.Count; u++) keep[u] = false;
            foreach (int u in HeadSelection.Ranked(s, seg.Offset, seg.Count).Take(seg.K)) keep[u] = true;
        }
        return keep;
    }

    /// <summary>The kept ids, ascending.</summary>
    public static int[] Ids(bool[] keep) => HeadSelection.Ids(keep);
}
