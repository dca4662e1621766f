namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// A sub-layer that sits on a residual branch (x + branch(x)): an attention module or an FFN. Block pruning
/// multiplies the branch's whole output (bias included) by a block gate and, physically, removes the branch
/// (<see cref="BranchRemoved"/>): the layer then computes x + 0, so a gate of 0 and the removed branch agree.
/// </summary>
public interface IResidualBranch
{
    /// <summary>True once the branch is removed: the layer skips it and adds nothing.</summary>
    bool BranchRemoved { get; }

    /// <summary>
    /// Removes the branch: the layer stops computing it and its output bias is dropped (the parameter count falls by
    /// <see cref="OwnParameters"/>); its heads / neurons are removed by the unit pruning that calls this.
    /// </summary>
    void RemoveBranch();

    /// <summary>Where this branch's entry lies in its kind's block gate (set by <see cref="UnitIndex.Build"/>).</summary>
    int BlockOffset { get; set; }

    /// <summary>The parameters the branch holds now (what removing it saves when its heads / neurons are not units of their own).</summary>
    long BranchParameters { get; }

    /// <summary>
    /// The parameters the branch holds beyond its heads / neurons (its output bias): what removing the block saves
    /// when its heads / neurons are units of their own (they are costed there).
    /// </summary>
    long OwnParameters { get; }
}
