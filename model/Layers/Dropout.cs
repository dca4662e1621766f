using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>
/// Inverted dropout while training, identity in evaluation. Masks are drawn from the model's shared
/// dropout stream <paramref name="rng"/>, so a checkpoint that stores that stream's state replays them.
/// </summary>
public sealed class Dropout(float p, Rng rng) : Module
{
    /// <summary>The probability of zeroing an element (kept ones are scaled by 1 / (1 - P)).</summary>
    /// <exception cref="ArgumentOutOfRangeException">At construction: p is outside [0, 1).</exception>
    public float P { get; } = p is >= 0f and < 1f ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "dropout: p must be in [0, 1)");

    /// <summary>x with dropout applied while training (x's shape); x itself in evaluation mode or when P is 0.</summary>
    public Tensor Forward(Tensor x) => Training && P > 0f ? Ops.Dropout(x, P, rng) : x;
}
