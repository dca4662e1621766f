namespace NativeDsp.Model.Training;

/// <summary>
/// A learning-rate schedule as a pure function of the step: the factor that multiplies every scheduled
/// parameter group's base rate (<see cref="NativeDsp.Engine.ParameterGroup.ConstantLearningRate"/> groups
/// ignore it). Being stateless, a schedule resumes from a checkpoint by the step alone;
/// <see cref="Description"/> is stored with the checkpoint so that a resume under another schedule is caught.
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The factor for update number <paramref name="step"/> (1-based: the first update is step 1).</summary>
    double Factor(long step);

    /// <summary>Name and settings, e.g. "linear(warmup=100, total=1000)".</summary>
    string Description { get; }
}
