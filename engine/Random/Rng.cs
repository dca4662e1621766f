using NativeDsp.Kernels.Random;

namespace NativeDsp.Engine;

/// <summary>The whole state of an <see cref="Rng"/>: what a checkpoint stores to replay the draws exactly.</summary>
public readonly record struct RngState(ulong Seed, ulong Offset);

/// <summary>
/// The engine's random stream on top of Philox: a draw is Philox(seed, offset) and the offset only moves
/// forward, so the state is two numbers. Host draws (shuffling, sampling) take one counter each; device
/// draws (dropout masks, initialisers, Gumbel noise) <see cref="Reserve"/> a range of counters and let the
/// kernels compute element i from (seed, offset + i), identically on every backend.
/// </summary>
public sealed class Rng
{
    /// <summary>A stream at (seed, offset).</summary>
    public Rng(ulong seed, ulong offset = 0)
    {
        Seed = seed;
        Offset = offset;
    }

    /// <summary>A stream resumed at <paramref name="state"/>.</summary>
    public Rng(RngState state) : this(state.Seed, state.Offset) { }

    /// <summary>The Philox key.</summary>
    public ulong Seed { get; private set; }
    /// <summary>The next counter to use; it only grows.</summary>
    public ulong Offset { get; private set; }

    /// <summary>The whole state, for checkpoints.</summary>
    public RngState State => new(Seed, Offset);

    /// <summary>Moves the stream to <paramref name="state"/> (a checkpoint's).</summary>
    public void Restore(RngState state)
    {
        Seed = state.Seed;
        Offset = state.Offset;
    }

    /// <summary>Reserves <paramref name="count"/> counters for a device draw and returns the first.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public ulong Reserve(long count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "cannot reserve a negative number of draws");
        ulong first = Offset;
        Offset += (ulong)count;
        return first;
    }

    /// <summary>
    /// An independent stream for another purpose (e.g. data order vs dropout), so that drawing more in one
    /// does not shift the other. The child's seed is a Philox hash of (seed, stream).
    /// </summary>
    public Rng Fork(ulong stream)
    {
        var b = Philox.Block(Seed ^ 0x5DEECE66DUL, stream);
        return new Rng(((ulong)b.Y << 32) | b.X);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public float NextUniform() => Philox.Uniform(Seed, Offset++);

    /// <summary>Standard normal.</summary>
    public float NextNormal() => Philox.Normal(Seed, Offset++);

    /// <summary>Standard Gumbel(0, 1).</summary>
    public float NextGumbel() => Philox.Gumbel(Seed, Offset++);

    /// <summary>Uniform in [0, n), from 32 random bits by a multiply-shift (bias below n / 2^32).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is not positive.</exception>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "NextInt needs n > 0");
        uint bits = Philox.Block(Seed, Offset++).X;
        return (int)(((ulong)bits * (ulong)n) >> 32);
    }

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A random permutation of [0, n).</summary>
    public int[] Permutation(int n)
    {
        var p = Enumerable.Range(0, n).ToArray();
        Shuffle(p);
        return p;
    }

    /// <summary>"Rng(seed S, offset O)".</summary>
    public override string ToString() => $"Rng(seed {Seed}, offset {Offset})";
}
