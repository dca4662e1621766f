namespace NativeDsp.Engine;

/// <summary>
/// Parameters that share optimizer settings. <see cref="ConstantLearningRate"/> keeps the group's rate
/// outside the schedule (DSP's head logits learn at a fixed rate while the model's rate warms up and decays).
/// </summary>
public sealed class ParameterGroup(IEnumerable<Parameter> parameters, float learningRate, float weightDecay = 0f,
                                   bool constantLearningRate = false, string name = "")
{
    public IReadOnlyList<Parameter> Parameters { get; } = parameters.ToList();
    public float LearningRate { get; set; } = learningRate;
    public float WeightDecay { get; set; } = weightDecay;
    public bool ConstantLearningRate { get; set; } = constantLearningRate;
    public string Name { get; } = name;

    /// <summary>The rate used at a step whose schedule gives <paramref name="scheduleFactor"/>.</summary>
    public float EffectiveLearningRate(float scheduleFactor) => ConstantLearningRate ? LearningRate : LearningRate * scheduleFactor;
}
