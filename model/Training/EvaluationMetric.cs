namespace NativeDsp.Model.Training;

/// <summary>
/// The metric that evaluations report and best checkpoints / early stopping follow (accuracy, BLEU, or a
/// validation loss with <see cref="HigherIsBetter"/> false). <see cref="Evaluate"/> runs with the model in
/// evaluation mode and gradients off; it should wrap each batch in a tape scope of its own.
/// </summary>
public sealed record EvaluationMetric(string Name, bool HigherIsBetter, Func<double> Evaluate);
