namespace NativeDsp.Model.Training;

/// <summary>The update being made: what the loss function and the hooks see.</summary>
/// <param name="Step">The update's number, 1-based (the trainer's step becomes this once it completes).</param>
/// <param name="Epoch">The epoch the batch comes from (0-based).</param>
/// <param name="BatchIndices">The training examples of the batch.</param>
/// <param name="ScheduleFactor">The schedule's factor for this update.</param>
/// <param name="LabelSmoothing">The label smoothing the loss should apply.</param>
public sealed record StepContext(long Step, long Epoch, IReadOnlyList<int> BatchIndices, double ScheduleFactor, float LabelSmoothing);

/// <summary>What one completed update measured.</summary>
/// <param name="Step">The update's number, 1-based.</param>
/// <param name="Epoch">The epoch the batch came from.</param>
/// <param name="Loss">The batch loss before the update.</param>
/// <param name="GradientNorm">The global gradient norm before clipping (NaN when clipping is off: it is not computed then).</param>
/// <param name="LearningRate">The effective rate of the first scheduled group.</param>
/// <param name="Tokens">The tokens the batch held (the loss function's count).</param>
public sealed record StepRecord(long Step, long Epoch, float Loss, float GradientNorm, double LearningRate, long Tokens);
