namespace NativeDsp.Model.Training;

/// <summary>
/// fairseq's inverse square root schedule (the Transformer MT recipe): linear warm-up to the base rate,
/// then decay proportional to 1/sqrt(step): factor min(t / warmup, sqrt(warmup / t)). The two branches
/// meet at t = warmup with factor 1.
/// </summary>
public sealed class InverseSqrtSchedule : ILearningRateSchedule
{
    /// <summary>The schedule with <paramref name="warmupSteps"/> warm-up steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">warmupSteps is below 1.</exception>
    public InverseSqrtSchedule(long warmupSteps)
    {
        if (warmupSteps < 1) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "inverse-sqrt schedule: warm-up must be at least 1 step");
        WarmupSteps = warmupSteps;
    }

    /// <summary>Steps of linear warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>min(step / warmup, sqrt(warmup / step)).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is below 1.</exception>
    public double Factor(long step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1L);
        return Math.Min((double)step / WarmupSteps, Math.Sqrt((double)WarmupSteps / step));
    }

    /// <summary>"inverse_sqrt(warmup=N)" (checkpoints compare it).</summary>
    public string Description => $"inverse_sqrt(warmup={WarmupSteps})";
}
