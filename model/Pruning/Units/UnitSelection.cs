namespace NativeDsp.Model.Pruning.Units;

/// <summary>Deterministic top-K of units by score under a <see cref="UnitBudget"/>: the final mask of every unit method.</summary>
public static class UnitSelection
{
    /// <summary>
    /// Exactly budget.Total units: the K highest scores inside each segment; units outside every segment are
    /// kept. Ties go to the lower id, NaN ranks last (as <see cref="HeadSelection.TopK"/>).
    /// <para>
    /// With blocks and their heads / neurons both selected, the blocks are decided first (every segment that holds
    /// a block), and in a segment of heads or neurons the units of a block that is not kept rank after all the
    /// others (in their own order): physical pruning removes them with their block whatever their mask says
    /// (<see cref="UnitIndex.Survivors"/>), so counting them would spend the budget on nothing. The K kept of such a
    /// segment then all survive whenever the kept blocks hold K of its units, which
    /// <see cref="UnitBudget.FromCost"/> guarantees, so the parameters kept are the budget's.
    /// </para>
    /// </summary>
    /// <exception cref="ArgumentException">The scores do not have one entry per unit, or the budget does not fit.</exception>
    public static bool[] TopK(ReadOnlySpan<float> scores, UnitBudget budget, UnitIndex index)
    {
        if (scores.Length != index.Count) throw new ArgumentException($"unit selection: {scores.Length} scores for {index.Count} units");
        budget.Validate(index);
        var keep = Enumerable.Repeat(true, index.Count).ToArray();
        var s = scores.ToArray();
        bool HoldsBlock(BudgetSegment seg) => Enumerable.Range(seg.Offset, seg.Count).Any(u => index.KindOf(u) is UnitKind.AttentionBlock or UnitKind.FfnBlock);
        // Blocks (and segments without nesting) first; then heads / neurons, knowing which blocks stay.
        var ordered = budget.Segments.OrderBy(seg => HoldsBlock(seg) ? 0 : 1).ToList();
        foreach (var seg in ordered)
        {
            for (int u = seg.Offset; u < seg.Offset + seg.Count; u++) keep[u] = false;
            var ranked = HeadSelection.Ranked(s, seg.Offset, seg.Count);
            if (!HoldsBlock(seg))
            {
                bool Survives(int u) => index.ContainerOf(u) is var c && (c < 0 || keep[c]);
                ranked = ranked.Where(Survives).Concat(ranked.Where(u => !Survives(u)));
            }
            foreach (int u in ranked.Take(seg.K)) keep[u] = true;
        }
        return keep;
    }

    /// <summary>The kept ids, ascending.</summary>
    public static int[] Ids(bool[] keep) => HeadSelection.Ids(keep);
}
