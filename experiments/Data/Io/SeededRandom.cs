using NativeDsp.Kernels.Random;

namespace NativeDsp.Experiments.Data.Io;

/// <summary>
/// A seeded stream of random choices for data generation, drawn from the project's Philox generator
/// (draw i = f(seed, i)). Unlike <see cref="System.Random"/>, whose algorithm .NET does not promise to
/// keep, the same seed gives the same data set on every runtime.
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    ulong counter;

    /// <summary>Uniform integer in [0, n); 64 random bits reduced by multiply-shift (bias below 2^-32 for n below 2^32).</summary>
    public int Next(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "SeededRandom.Next: n must be positive");
        var b = Philox.Block(seed, counter++);
        ulong bits = ((ulong)b.X << 32) | b.Y;
        return (int)(((UInt128)bits * (ulong)n) >> 64);
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble()
    {
        var b = Philox.Block(seed, counter++);
        ulong bits = (((ulong)b.X << 32) | b.Y) >> 11;
        return bits * (1.0 / (1UL << 53));
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
