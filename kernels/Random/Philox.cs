namespace NativeDsp.Kernels.Random;

/// <summary>Four 32-bit words of one Philox block.</summary>
public struct PhiloxBlock
{
    /// <summary>Word 0 of the block.</summary>
    public uint X;
    /// <summary>Word 1 of the block.</summary>
    public uint Y;
    /// <summary>Word 2 of the block.</summary>
    public uint Z;
    /// <summary>Word 3 of the block.</summary>
    public uint W;
}

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a counter-based
/// generator, value = f(seed, counter). Because a draw is a pure function of its index, a Host loop and a
/// GPU thread produce the same numbers for the same (seed, offset), in any order and any parallel split,
/// and a checkpoint only has to store the seed and the offset reached. Plain static integer math so that
/// ILGPU can compile it into kernels.
/// </summary>
public static class Philox
{
    const uint M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
    const uint W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    const float TwoPowMinus24 = 1f / 16777216f;

    /// <summary>The Philox block for a 64-bit key (seed) and a 64-bit counter (the index of the draw).</summary>
    public static PhiloxBlock Block(ulong seed, ulong counter)
    {
        uint c0 = (uint)counter, c1 = (uint)(counter >> 32), c2 = 0, c3 = 0;
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n1 = (uint)p1;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            uint n3 = (uint)p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            k0 += W0; k1 += W1;
        }
        PhiloxBlock b;
        b.X = c0; b.Y = c1; b.Z = c2; b.W = c3;
        return b;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (exactly representable in float32).</summary>
    public static float Uniform(ulong seed, ulong index) => (Block(seed, index).X >> 8) * TwoPowMinus24;

    /// <summary>Uniform in the open interval (0, 1): safe to take logarithms of.</summary>
    public static float UniformOpen(ulong seed, ulong index) => ((Block(seed, index).X >> 8) + 0.5f) * TwoPowMinus24;

    /// <summary>Standard Gumbel(0, 1): -log(-log(u)), u uniform in (0, 1).</summary>
    public static float Gumbel(ulong seed, ulong index)
    {
        float u = UniformOpen(seed, index);
        return -MathF.Log(-MathF.Log(u));
    }

    /// <summary>Standard normal by Box-Muller from two words of the same block.</summary>
    public static float Normal(ulong seed, ulong index)
    {
        var b = Block(seed, index);
        float u1 = ((b.X >> 8) + 0.5f) * TwoPowMinus24;
        float u2 = (b.Y >> 8) * TwoPowMinus24;
        return MathF.Sqrt(-2f * MathF.Log(u1)) * MathF.Cos(2f * MathF.PI * u2);
    }
}
