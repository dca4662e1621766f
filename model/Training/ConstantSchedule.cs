namespace NativeDsp.Model.Training;

/// <summary>The base learning rate at every step.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <summary>1 at every step (1-based).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is below 1.</exception>
    public double Factor(long step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1L);
        return 1.0;
    }

    /// <summary>"constant".</summary>
    public string Description => "constant";
}
