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

    /// <summary>Removes the branch (its parameters stay registered but are no longer used or counted as kept).</summary>
    void RemoveBranch();

    /// <summary>Where this branch's entry lies in its kind's block gate (set by <see cref="UnitIndex.Build"/>).</summary>
    int BlockOffset { get; set; }

    /// <summary>The parameters the branch holds now (what removing it saves).</summary>
    long BranchParameters { get; }
}
