namespace NativeDsp.Model.Training;

/// <summary>
/// A non-finite loss or gradient norm: training stops before the update, so the weights and the last
/// checkpoint stay as they were after the previous step.
/// </summary>
public sealed class TrainingDivergedException(long step, string quantity, float value, string? lastCheckpoint)
    : NativeDsp.Engine.ExpectedFailureException($"training diverged at step {step}: the {quantity} is {value}; the update was not applied" +
                (lastCheckpoint is null ? "" : $" and the last good checkpoint '{lastCheckpoint}' was left untouched"))
{
    /// <summary>The step whose update was refused.</summary>
    public long Step { get; } = step;
    /// <summary>"loss" or "gradient norm".</summary>
    public string Quantity { get; } = quantity;
    /// <summary>The non-finite value.</summary>
    public float Value { get; } = value;
}
