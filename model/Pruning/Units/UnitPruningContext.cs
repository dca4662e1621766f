using NativeDsp.Engine;
using NativeDsp.Model.Training;

namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// What a unit method with its own procedure (<see cref="IUnitPruningProcedure"/>) may ask of the task it prunes.
/// The experiments layer builds it; the model layer never touches files or data sets. Every function runs in the
/// caller's tape scope unless it says otherwise; batches are numbered 0, 1, ... and wrap around.
/// </summary>
public sealed class UnitPruningContext
{
    /// <summary>The model being pruned (also <see cref="Prunable"/>).</summary>
    public required Module Model { get; init; }

    /// <summary>The model's unit view.</summary>
    public IUnitPrunable Prunable => Model as IUnitPrunable ?? throw new ArgumentException($"unit pruning: {Model.GetType().Name} is not unit-prunable");

    /// <summary>The device of the model.</summary>
    public required Device Device { get; init; }

    /// <summary>Training batches in one pass over the training set (at the run's batch size).</summary>
    public required int TrainBatches { get; init; }

    /// <summary>The task loss of training batch i under the gates (labelled data).</summary>
    public required Func<int, UnitGates, BatchLoss> TrainLoss { get; init; }

    /// <summary>
    /// The encoder's final hidden states [B, T, d] of training batch i under the gates and its key mask [B, T]
    /// (1 = token), labels unused: the unlabelled text a representation-preserving objective (SMP) reads.
    /// </summary>
    public required Func<int, UnitGates, (Tensor Hidden, Tensor? KeyMask)> Hidden { get; init; }

    /// <summary>Held-out batches for importance scores (as Michel et al.'s importance pass).</summary>
    public required int ScoreBatches { get; init; }

    /// <summary>The task loss of held-out batch b under the gates.</summary>
    public required Func<int, UnitGates, BatchLoss> ScoreLoss { get; init; }

    /// <summary>
    /// Trains every model parameter on the task for the given steps with the given data seed (a "trial run"),
    /// with extra parameter groups trained alongside and an extra loss term per step (null = none); runs its own
    /// tape scopes. Each step asks for the gates before its forward pass and for the extra loss after it, inside the
    /// step's scope (SNIP's identity prior reads the branch outputs that forward recorded). The caller of the
    /// procedure restores the model's weights if it needs them back.
    /// </summary>
    public required Action<long, ulong, IReadOnlyList<ParameterGroup>, Func<long, UnitGates>?, Func<long, Tensor?>?> Train { get; init; }

    /// <summary>Steps of the run's training phase (the fine-tuning a method's trial runs or own training may copy).</summary>
    public required long TrainSteps { get; init; }

    /// <summary>The run's seed (trial runs derive theirs from it).</summary>
    public required ulong Seed { get; init; }
}

/// <summary>
/// A unit method whose procedure is more than "learn <see cref="IUnitPruner.Mask"/> with the optimizer on the task
/// loss, then <see cref="IUnitPruner.FinalKeep"/>": trial runs, a representation objective, a reparametrised
/// model. The run calls <see cref="Run"/> at its <see cref="Stage"/>; afterwards FinalKeep is valid.
/// </summary>
public interface IUnitPruningProcedure : IUnitPruner
{
    /// <summary>When the procedure runs.</summary>
    PruningStage Stage { get; }

    /// <summary>Runs the method's own procedure over <paramref name="context"/> (may train the model, for Joint methods).</summary>
    void Run(UnitPruningContext context);
}
