namespace NativeDsp.Engine;

/// <summary>
/// Parameters that share optimizer settings. <see cref="ConstantLearningRate"/> keeps the group's rate
/// outside the schedule (DSP's head logits learn at a fixed rate while the model's rate warms up and decays).
/// </summary>
public sealed class ParameterGroup(IEnumerable<Parameter> parameters, float learningRate, float weightDecay = 0f,
                                   bool constantLearningRate = false, string name = "")
{
    /// <summary>The group's parameters (a copy of the list given).</summary>
    public IReadOnlyList<Parameter> Parameters { get; } = parameters.ToList();
    /// <summary>The base learning rate (multiplied by the schedule's factor unless constant).</summary>
    public float LearningRate { get; set; } = learningRate;
    /// <summary>The weight decay (L2 for Adam, decoupled for AdamW).</summary>
    public float WeightDecay { get; set; } = weightDecay;
    /// <summary>True when the schedule does not scale this group's rate.</summary>
    public bool ConstantLearningRate { get; set; } = constantLearningRate;
    /// <summary>The group's name for logs ("model", "head_logits").</summary>
    public string Name { get; } = name;

    /// <summary>The rate used at a step whose schedule gives <paramref name="scheduleFactor"/>.</summary>
    public float EffectiveLearningRate(float scheduleFactor) => ConstantLearningRate ? LearningRate : LearningRate * scheduleFactor;
}
