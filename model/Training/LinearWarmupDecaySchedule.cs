namespace NativeDsp.Model.Training;

/// <summary>
/// Linear warm-up then linear decay to zero (BERT, Hugging Face's get_linear_schedule_with_warmup, counted
/// from 1): factor t / warmup for t &lt;= warmup, then (total - t) / (total - warmup), 0 from
/// <see cref="TotalSteps"/> on.
/// </summary>
public sealed class LinearWarmupDecaySchedule : ILearningRateSchedule
{
    /// <summary>Warm-up over <paramref name="warmupSteps"/>, decay to 0 at <paramref name="totalSteps"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0 &lt;= warmup &lt;= total with total &gt;= 1.</exception>
    public LinearWarmupDecaySchedule(long warmupSteps, long totalSteps)
    {
        if (warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), $"linear schedule: needs 0 <= warmup <= total and total >= 1, got warmup {warmupSteps}, total {totalSteps}");
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
    }

    /// <summary>Steps of linear warm-up.</summary>
    public long WarmupSteps { get; }
    /// <summary>The step at which the factor reaches 0.</summary>
    public long TotalSteps { get; }

    /// <summary>The factor at <paramref name="step"/> (see the class).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is below 1.</exception>
    public double Factor(long step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1L);
        if (step <= WarmupSteps) return (double)step / WarmupSteps;
        if (step >= TotalSteps) return 0.0;
        return (double)(TotalSteps - step) / (TotalSteps - WarmupSteps);
    }

    /// <summary>"linear(warmup=W, total=T)" (checkpoints compare it).</summary>
    public string Description => $"linear(warmup={WarmupSteps}, total={TotalSteps})";
}
