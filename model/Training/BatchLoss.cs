using NativeDsp.Engine;

namespace NativeDsp.Model.Training;

/// <summary>What a training step's loss function returns: the scalar loss (on the tape) and the number of
/// tokens the batch held (for tokens/s; count examples for a task without tokens).</summary>
public readonly record struct BatchLoss(Tensor Loss, long Tokens);

/// <summary>
/// Computes the loss of a batch; runs inside the step's tape scope. Apply
/// <see cref="StepContext.LabelSmoothing"/> in the cross-entropy (Ops.CrossEntropy's smoothing).
/// </summary>
public delegate BatchLoss LossFunction<T>(IReadOnlyList<T> batch, StepContext context);
