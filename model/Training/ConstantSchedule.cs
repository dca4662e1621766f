namespace NativeDsp.Model.Training;

/// <summary>The base learning rate at every step.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    public double Factor(long step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1L);
        return 1.0;
    }

    public string Description => "constant";
}
