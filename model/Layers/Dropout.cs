using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>
/// Inverted dropout while training, identity in evaluation. Masks are drawn from the model's shared
/// dropout stream <paramref name="rng"/>, so a checkpoint that stores that stream's state replays them.
/// </summary>
public sealed class Dropout(float p, Rng rng) : Module
{
    public float P { get; } = p is >= 0f and < 1f ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "dropout: p must be in [0, 1)");

    public Tensor Forward(Tensor x) => Training && P > 0f ? Ops.Dropout(x, P, rng) : x;
}
