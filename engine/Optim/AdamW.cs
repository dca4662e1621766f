namespace NativeDsp.Engine;

/// <summary>AdamW (Loshchilov and Hutter): Adam with weight decay applied to the weights, not the gradient.</summary>
public sealed class AdamW : Adam
{
    /// <summary>AdamW over <paramref name="groups"/> (defaults beta1 0.9, beta2 0.999, eps 1e-8).</summary>
    /// <exception cref="ArgumentException">No group, or a parameter in more than one group.</exception>
    public AdamW(IEnumerable<ParameterGroup> groups, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f)
        : base(groups, beta1, beta2, eps) { }

    /// <summary>AdamW over one group (weight decay 0.01 by default, as torch.optim.AdamW).</summary>
    /// <exception cref="ArgumentException">A parameter appears twice.</exception>
    public AdamW(IEnumerable<Parameter> parameters, float learningRate, float weightDecay = 0.01f)
        : this([new ParameterGroup(parameters, learningRate, weightDecay)]) { }

    /// <summary>Always true: the decay is applied to the weights.</summary>
    protected override bool Decoupled => true;
}
