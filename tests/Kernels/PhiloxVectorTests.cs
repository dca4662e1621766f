using System.Runtime.Intrinsics;
using NativeDsp.Kernels.Host;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Tests.Kernels;

/// <summary>A fact that needs the CPU to run a vector width: a visible skip naming the CPU's features otherwise.</summary>
public sealed class WidthFactAttribute : FactAttribute
{
    public WidthFactAttribute(VectorWidth width)
    {
        if (VectorWidths.Hardware < width) Skip = $"this CPU (or runtime setting) has no {(int)width}-bit vectors with FMA: {VectorWidths.Describe()}";
    }
}

/// <summary>
/// <see cref="PhiloxVector"/> at every vector width the CPU runs, and the portable 128-bit path that ARM
/// takes, must give exactly <see cref="Philox.Block"/>'s word X lane by lane (masks then agree with the
/// scalar generator and the ILGPU kernel bit for bit). Counters are chosen where the 64-bit counter's low
/// word wraps inside a vector, at the top of the 64-bit range, and at random.
/// </summary>
public class PhiloxVectorTests
{
    static IEnumerable<(ulong Seed, ulong First)> Inputs()
    {
        yield return (0, 0);
        yield return (ulong.MaxValue, ulong.MaxValue - 20);
        yield return (0x5EED_1234_ABCDUL, 0xFFFF_FFF9UL);          // low word wraps inside every width's vector
        yield return (0x1234_5678_9ABC_DEF0UL, 0x7_FFFF_FFFEUL);
        var random = new System.Random(3);
        for (int i = 0; i < 200; i++)
            yield return ((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));
    }

    static void AssertLanes(ulong seed, ulong first, uint[] lanes, string what)
    {
        for (int lane = 0; lane < lanes.Length; lane++)
            Assert.True(Philox.Block(seed, unchecked(first + (ulong)lane)).X == lanes[lane],
                $"{what}: seed {seed:X}, counter {first:X} + {lane}: {lanes[lane]:X8} differs from the scalar block");
    }

    [Fact]
    public void Width128MatchesScalar()
    {
        foreach (var (seed, first) in Inputs())
        {
            var lanes = new uint[4];
            PhiloxVector.FirstWords128(seed, first).CopyTo(lanes);
            AssertLanes(seed, first, lanes, "128-bit");
        }
    }

    [Fact]
    public void PortableWidth128MatchesScalar()
    {
        foreach (var (seed, first) in Inputs())
        {
            var lanes = new uint[4];
            PhiloxVector.FirstWords128(seed, first, portable: true).CopyTo(lanes);
            AssertLanes(seed, first, lanes, "portable 128-bit");
        }
    }

    [WidthFact(VectorWidth.Bits256)]
    public void Width256MatchesScalar()
    {
        foreach (var (seed, first) in Inputs())
        {
            var lanes = new uint[8];
            PhiloxVector.FirstWords256(seed, first).CopyTo(lanes);
            AssertLanes(seed, first, lanes, "256-bit");
        }
    }

    [WidthFact(VectorWidth.Bits512)]
    public void Width512MatchesScalar()
    {
        foreach (var (seed, first) in Inputs())
        {
            var lanes = new uint[16];
            PhiloxVector.FirstWords512(seed, first).CopyTo(lanes);
            AssertLanes(seed, first, lanes, "512-bit");
        }
    }

    /// <summary>Dropout at every Host width gives the same output bits (the mask and x / (1 - p) are exact).</summary>
    [Fact]
    public void DropoutIsBitIdenticalAcrossWidths()
    {
        const int n = 4099;
        var random = new System.Random(5);
        var x = Enumerable.Range(0, n).Select(_ => random.NextSingle() * 4 - 2).ToArray();
        float[]? first = null;
        foreach (var width in VectorWidths.Supported)
        {
            var k = TestBackends.HostAt(width);
            using var xb = k.Allocate(n);
            using var yb = k.Allocate(n);
            xb.CopyFrom(x);
            k.Dropout(xb, yb, n, 0.1f, 99, 0xFFFF_FF00UL, false);
            var y = yb.ToArray();
            if (first is null) first = y;
            else Assert.True(first.AsSpan().SequenceEqual(y), $"dropout at {(int)width} bits differs from {(int)VectorWidths.Supported[0]} bits");
        }
    }
}
