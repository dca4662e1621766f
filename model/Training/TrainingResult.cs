using System.Globalization;

namespace NativeDsp.Model.Training;

/// <summary>Why a training run ended.</summary>
public enum StopReason
{
    /// <summary>MaxSteps reached.</summary>
    Completed,
    /// <summary>The step given to Run(untilStep) was reached before MaxSteps (an interrupted run).</summary>
    Paused,
    /// <summary>Early stopping's patience ran out.</summary>
    EarlyStopping,
}

/// <summary>How a <see cref="Trainer{T}.Run"/> ended.</summary>
public sealed record TrainingResult(long Step, StopReason Reason, string? MetricName, double? BestMetric, long BestStep, TimeSpan Elapsed,
                                    string? LastCheckpoint, string? BestCheckpoint)
{
    /// <summary>"training completed (100%) at step 1000 after 0:09:10, best accuracy 0.87 at step 800".</summary>
    public string Summary()
    {
        string reason = Reason switch
        {
            StopReason.Completed => "completed (100%)",
            StopReason.Paused => "paused",
            StopReason.EarlyStopping => "stopped early",
            _ => Reason.ToString(),
        };
        string best = BestMetric is double b ? string.Create(CultureInfo.InvariantCulture, $", best {MetricName} {b:0.####} at step {BestStep}") : "";
        return string.Create(CultureInfo.InvariantCulture, $"training {reason} at step {Step} after {ProgressSnapshot.FormatTime(Elapsed)}{best}");
    }
}
