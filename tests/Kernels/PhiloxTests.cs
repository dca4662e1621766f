using NativeDsp.Kernels.Random;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// Philox4x32-10 against the known-answer vectors published with Random123 (kat_vectors). <see cref="Philox.Block"/>
/// sets only the low two counter words, so the full 4-word vectors are checked on <see cref="Philox4x32"/>, a
/// test-side transcription of the Random123 round; Block is then shown equal to it (counter words 2, 3 = 0) on
/// many random inputs, and on the all-zero vector directly.
/// </summary>
public class PhiloxTests
{
    [Theory]
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void KnownAnswers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint r0, uint r1, uint r2, uint r3)
    {
        Assert.Equal((r0, r1, r2, r3), Philox4x32(c0, c1, c2, c3, k0, k1));
    }

    [Fact]
    public void BlockMatchesTheZeroVector()
    {
        var b = Philox.Block(0, 0);
        Assert.Equal((0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u), (b.X, b.Y, b.Z, b.W));
    }

    [Fact]
    public void BlockIsPhilox4x32WithTheUpperCounterWordsZero()
    {
        var random = new System.Random(7);
        for (int trial = 0; trial < 1000; trial++)
        {
            ulong seed = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            ulong counter = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            var b = Philox.Block(seed, counter);
            Assert.Equal(Philox4x32((uint)counter, (uint)(counter >> 32), 0, 0, (uint)seed, (uint)(seed >> 32)), (b.X, b.Y, b.Z, b.W));
        }
    }

    /// <summary>Random123 philox4x32 with R = 10 rounds, key bumped between rounds.</summary>
    static (uint, uint, uint, uint) Philox4x32(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
            ulong p0 = 0xD2511F53ul * c0, p1 = 0xCD9E8D57ul * c2;
            (c0, c1, c2, c3) = ((uint)(p1 >> 32) ^ c1 ^ k0, (uint)p1, (uint)(p0 >> 32) ^ c3 ^ k1, (uint)p0);
        }
        return (c0, c1, c2, c3);
    }
}
