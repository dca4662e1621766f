namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout with drop probability <paramref name="p"/>, drawing its mask from
    /// <paramref name="rng"/> (which advances by the element count, so every call gets fresh draws and a
    /// restored RNG state replays them exactly). Whether to apply it (training) is the caller's choice.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1).</exception>
    public static Tensor Dropout(Tensor x, float p, Rng rng) => p == 0f ? x : Dropout(x, p, rng.Seed, rng.Reserve(x.Count));

    /// <summary>
    /// Inverted dropout with the mask of Philox(seed, offset + i). The mask is a function of (seed, offset),
    /// so the backward is the same call on the gradient, and nothing is stored.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1).</exception>
    public static Tensor Dropout(Tensor x, float p, ulong seed, ulong offset)
    {
        if (!(p >= 0f && p < 1f)) throw new ArgumentOutOfRangeException(nameof(p), $"dropout: p must be in [0, 1), got {p} (for shape {x.Shape})");
        var y = NewOutput(x, x.Shape);
        K(x).Dropout(x.Buffer, y.Buffer, x.Count, p, seed, offset, accumulate: false);
        x.Device.Tape.Record("dropout", y, [x],
            () => K(x).Dropout(Dy(y), G(x), x.Count, p, seed, offset, accumulate: true));
        return y;
    }
}
