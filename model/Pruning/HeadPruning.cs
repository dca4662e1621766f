namespace NativeDsp.Model.Pruning;

/// <summary>Physical head removal over a model's global head index (see <see cref="IHeadPrunable.PruneHeads"/>).</summary>
public static class HeadPruning
{
    /// <summary>
    /// Keeps the heads whose global ids are in <paramref name="keep"/> and removes all others from their
    /// modules, then returns the rebuilt index. The pruned model computes what the unpruned model computes
    /// with gate 1 on the kept heads and 0 elsewhere (<see cref="HeadIndex.MaskKeeping"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, HeadIndex.Count).</exception>
    public static HeadIndex Apply(IHeadPrunable model, IEnumerable<int> keep)
    {
        var index = model.HeadIndex;
        var keepSet = keep.ToHashSet();
        foreach (int h in keepSet) _ = index.Locate(h); // range check with a clear error
        foreach (var g in index.Groups)
            g.Module.PruneHeads(Enumerable.Range(0, g.Count).Where(local => keepSet.Contains(g.Global(local))));
        return HeadIndex.Build(model.AttentionModules());
    }
}
