using NativeDsp.Engine;
using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Pruning.Methods;

/// <summary>
/// SMP's meta-pruner: one small network shared by every unit, mapping a unit's features [F] to an importance
/// logit (Zhang et al. 2021 use a convolutional network over each head's attention map; ours is an MLP over the
/// per-unit features of <see cref="SmpPruner.Features"/>, since the fused attention kernel never materialises
/// attention maps). score = fc2(tanh(fc1(x))): fc1 [Hidden, F], fc2 [1, Hidden]. Because the weights are
/// shared, it learns a rule ("units whose output reaches the representation matter") rather than one logit
/// per unit, and can be applied to units it was not trained on.
/// </summary>
public sealed class SmpMetaPruner : Module
{
    /// <summary>An MLP F -> <paramref name="hidden"/> -> 1, Xavier-uniform weights from <paramref name="rng"/>, zero biases.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public SmpMetaPruner(Device device, int features, int hidden, Rng rng)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "SMP meta-pruner: at least one feature");
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "SMP meta-pruner: at least one hidden unit");
        Fc1 = RegisterModule("fc1", new Linear(device, features, hidden));
        Fc2 = RegisterModule("fc2", new Linear(device, hidden, 1));
        Init.XavierUniform(Fc1.Weight, rng.Fork(0));
        Init.XavierUniform(Fc2.Weight, rng.Fork(1));
        Init.Zeros(Fc1.Bias!);
        Init.Zeros(Fc2.Bias!);
    }

    /// <summary>The hidden layer [Hidden, F].</summary>
    public Linear Fc1 { get; }
    /// <summary>The output layer [1, Hidden].</summary>
    public Linear Fc2 { get; }

    /// <summary>Importance logits [N] for unit features [N, F].</summary>
    /// <exception cref="ArgumentException">The features are not [N, F].</exception>
    public Tensor Forward(Tensor features)
    {
        if (features.Shape.Rank != 2 || features.Shape[1] != Fc1.InFeatures)
            throw new ArgumentException($"SMP meta-pruner: features must be [N, {Fc1.InFeatures}], got {features.Shape}");
        var score = Fc2.Forward(Ops.Tanh(Fc1.Forward(features)));
        return Ops.Reshape(score, features.Shape[0]);
    }
}
