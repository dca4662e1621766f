namespace NativeDsp.Model.Training;

public enum StopReason
{
    /// <summary>MaxSteps reached.</summary>
    Completed,
    /// <summary>The step given to Run(untilStep) was reached before MaxSteps (an interrupted run).</summary>
    Paused,
    EarlyStopping,
}

/// <summary>How a <see cref="Trainer{T}.Run"/> ended.</summary>
public sealed record TrainingResult(long Step, StopReason Reason, string? MetricName, double? BestMetric, long BestStep, TimeSpan Elapsed,
                                    string? LastCheckpoint, string? BestCheckpoint);
