namespace NativeDsp.Model.Training;

/// <summary>
/// Code run at fixed points of every training step, e.g. a pruning method drawing the step's head mask
/// before the forward pass and saving mask snapshots every N steps after the update. Hooks run in the
/// order they were added; anything random in them should draw from an Rng registered with the trainer
/// (<see cref="Trainer{T}.Rngs"/>) so that resuming replays it.
/// </summary>
public interface ITrainingHook
{
    /// <summary>Before the loss is computed.</summary>
    void BeforeForward(StepContext step) { }

    /// <summary>After the optimizer update (the trainer's Step is already <c>step.Step</c>).</summary>
    void AfterStep(StepContext step, StepRecord record) { }
}

/// <summary>A hook from plain delegates.</summary>
public sealed class DelegateHook(Action<StepContext>? beforeForward = null, Action<StepContext, StepRecord>? afterStep = null) : ITrainingHook
{
    /// <summary>Calls the beforeForward delegate, if any.</summary>
    public void BeforeForward(StepContext step) => beforeForward?.Invoke(step);
    /// <summary>Calls the afterStep delegate, if any.</summary>
    public void AfterStep(StepContext step, StepRecord record) => afterStep?.Invoke(step, record);
}
