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
    /// Removes the branch: the layer stops computing it, and its output bias and pre-LN input norm are dropped (the
    /// parameter count falls by <see cref="OwnParameters"/>); its heads / neurons are removed by the unit pruning that calls this.
    /// </summary>
    void RemoveBranch();

    /// <summary>Where this branch's entry lies in its kind's block gate (set by <see cref="UnitIndex.Build"/>).</summary>
    int BlockOffset { get; set; }

    /// <summary>
    /// The pre-LN LayerNorm in front of the branch, which only the branch reads (null in post-LN, where the norm runs on
    /// the residual sum whether or not the branch is there). Set by the layer that owns the norm; counted in
    /// <see cref="BranchParameters"/> and <see cref="OwnParameters"/> and removed by <see cref="RemoveBranch"/>.
    /// </summary>
    BranchInputNorm? InputNorm { get; set; }

    /// <summary>
    /// The parameters the branch holds now, its pre-LN input norm included (what removing it saves when its heads /
    /// neurons are not units of their own).
    /// </summary>
    long BranchParameters { get; }

    /// <summary>
    /// The parameters the branch holds beyond its heads / neurons (its output bias, and its pre-LN input norm): what removing the block saves
    /// when its heads / neurons are units of their own (they are costed there).
    /// </summary>
    long OwnParameters { get; }
}
