namespace NativeDsp.Engine;

/// <summary>AdamW (Loshchilov and Hutter): Adam with weight decay applied to the weights, not the gradient.</summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<ParameterGroup> groups, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f)
        : base(groups, beta1, beta2, eps) { }

    public AdamW(IEnumerable<Parameter> parameters, float learningRate, float weightDecay = 0.01f)
        : this([new ParameterGroup(parameters, learningRate, weightDecay)]) { }

    protected override bool Decoupled => true;
}
