namespace NativeDsp.Model.Training;

/// <summary>
/// Linear warm-up then linear decay to zero (BERT, Hugging Face's get_linear_schedule_with_warmup, counted
/// from 1): factor t / warmup for t &lt;= warmup, then (total - t) / (total - warmup), 0 from
/// <see cref="TotalSteps"/> on.
/// </summary>
public sealed class LinearWarmupDecaySchedule : ILearningRateSchedule
{
    public LinearWarmupDecaySchedule(long warmupSteps, long totalSteps)
    {
        if (warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), $"linear schedule: needs 0 <= warmup <= total and total >= 1, got warmup {warmupSteps}, total {totalSteps}");
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
    }

    public long WarmupSteps { get; }
    public long TotalSteps { get; }

    public double Factor(long step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1L);
        if (step <= WarmupSteps) return (double)step / WarmupSteps;
        if (step >= TotalSteps) return 0.0;
        return (double)(TotalSteps - step) / (TotalSteps - WarmupSteps);
    }

    public string Description => $"linear(warmup={WarmupSteps}, total={TotalSteps})";
}
