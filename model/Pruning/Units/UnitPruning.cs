using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Pruning.Units;

/// <summary>Physical removal of units (see <see cref="IUnitPrunable.PruneUnits"/>), shared by every unit-prunable model.</summary>
public static class UnitPruning
{
    /// <summary>
    /// Removes every unit of <paramref name="index"/> not in <paramref name="keep"/>: heads (rows of q/k/v_proj,
    /// columns of out_proj), neurons (rows of fc1, columns of fc2) and branches (the whole attention or FFN
    /// module stops being computed). The result computes what the unpruned model computes with the 0/1 gate of
    /// <paramref name="keep"/>. Heads are removed through <paramref name="model"/>.PruneHeads, so its head index is rebuilt.
    /// </summary>
    /// <exception cref="ArgumentException">The index was built over another model.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, index.Count).</exception>
    public static void Apply(IUnitPrunable model, UnitIndex index, IEnumerable<int> keep)
    {
        if (!ReferenceEquals(index.Model, model)) throw new ArgumentException("unit pruning: the unit index was built over another model");
        if (!ReferenceEquals(index.Heads, model.HeadIndex)) throw new ArgumentException("unit pruning: the model's heads changed since the unit index was built; build it again");
        var keepMask = new bool[index.Count];
        foreach (int u in keep)
        {
            _ = index.Locate(u);
            keepMask[u] = true;
        }
        // Blocks first: a removed branch also loses all its heads / neurons, whatever their own mask says.
        foreach (var g in index.GroupsOf(UnitKind.AttentionBlock).Concat(index.GroupsOf(UnitKind.FfnBlock)))
            if (!keepMask[g.Offset]) BranchOf(model, g).RemoveBranch();
        foreach (var g in index.GroupsOf(UnitKind.Neuron))
        {
            var ffn = model.FeedForwardModules().Single(m => m.Name == g.Name).Module;
            if (ffn.BranchRemoved) continue;
            ffn.PruneNeurons(Enumerable.Range(0, g.Count).Where(local => keepMask[g.Global(local)]));
        }
        if (index.Kinds.Has(UnitKind.Head))
        {
            var (offset, count) = index.Range(UnitKind.Head);
            model.PruneHeads(Enumerable.Range(offset, count).Where(u => keepMask[u] && !index.Heads.Locate(u - offset).Group.Module.BranchRemoved).Select(u => u - offset));
        }
        else model.PruneHeads(Enumerable.Range(0, model.HeadIndex.Count).Where(h => !model.HeadIndex.Locate(h).Group.Module.BranchRemoved));
    }

    static IResidualBranch BranchOf(IUnitPrunable model, UnitGroup g) => g.Kind == UnitKind.AttentionBlock
        ? model.AttentionModules().Single(m => m.Name == g.Name).Module
        : model.FeedForwardModules().Single(m => m.Name == g.Name).Module;
}
