using NativeDsp.Engine;

namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// A pruning method over a model's <see cref="UnitIndex"/> (heads, FFN neurons, blocks): the unit-level
/// counterpart of <see cref="IHeadPruner"/>, used the same way. A training loop asks for <see cref="Mask"/>
/// each step (inside the step's tape scope), splits it with <see cref="UnitGates.Split"/> for the model, adds
/// <see cref="Penalty"/> to the loss and trains <see cref="ParameterGroup"/>; <see cref="FinalKeep"/> says
/// which units survive.
/// </summary>
public interface IUnitPruner : IDisposable
{
    /// <summary>The method's name ("dsp", "gradrank", "smp", "mlpruning", "snip", ...).</summary>
    string Method { get; }

    /// <summary>The unit index the pruner was built over.</summary>
    UnitIndex Units { get; }

    /// <summary>The units to keep; null for a method that decides by a threshold (then <see cref="FinalKeep"/> says).</summary>
    UnitBudget? Budget { get; }

    /// <summary>The pruner's own parameters at their own constant rate, or null when it learns nothing.</summary>
    ParameterGroup? ParameterGroup { get; }

    /// <summary>The gate [Units.Count] for optimizer step <paramref name="step"/> (1-based): relaxed when <paramref name="training"/>, else the hard 0/1 mask of <see cref="FinalKeep"/>. Tape-owned.</summary>
    Tensor Mask(long step, bool training);

    /// <summary>A scalar to add to the loss, or null.</summary>
    Tensor? Penalty();

    /// <summary>The units that survive (true = keep), exactly Budget.Total of the budget's segments when a budget is set.</summary>
    bool[] FinalKeep();

    /// <summary>The per-unit scores the final ranking uses, [Units.Count].</summary>
    float[] Scores();

    /// <summary>The mask values to plot at <paramref name="step"/>, [Units.Count].</summary>
    float[] SnapshotMask(long step);
}
