using NativeDsp.Kernels.Random;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// Dropout against <see cref="DropoutReference"/>: the mask must be exactly the Philox mask (same zeros, on every
/// backend), kept values x / (1 - p) within one rounding (2 eps relative), the keep rate near 1 - p, and the
/// backward pass is the same call on dy with accumulate.
/// </summary>
public class DropoutTests
{
    const ulong Seed = 0x5EED_1234_ABCDUL;

    public static TheoryData<string, int, float, bool> Cases()
    {
        var data = new TheoryData<string, int, float, bool>();
        foreach (var backend in TestBackends.All)
            foreach (int n in new[] { 1, 3, 17, 127, 50_000 })
                foreach (float p in new[] { 0f, 0.1f, 0.5f })
                    foreach (bool accumulate in new[] { false, true })
                        if (Fits(backend, n)) data.Add(backend, n, p, accumulate);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void MatchesReferenceMask(string backend, int n, float p, bool accumulate)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(n, 100, 0.5f, 2f);   // non-zero, so a zero output means a dropped element
        var y0 = accumulate ? RandomFloats(n, 101) : new float[n];
        const ulong offset = 1_000_003;
        using var xb = Upload(k, x);
        using var yb = Upload(k, y0);
        k.Dropout(xb, yb, n, p, Seed, offset, accumulate);
        var dropped = DropoutReference.Forward(ToDouble(x), p, Seed, offset);
        var expected = dropped.Select((v, i) => v + y0[i]).ToArray();
        var actual = Download(k, yb);
        AssertClose(expected, actual, 2 * FloatEps * 2, 2 * FloatEps, "Dropout");
        for (int i = 0; i < n; i++)
            Assert.True((dropped[i] == 0) == (actual[i] == y0[i]), $"Dropout mask differs from Philox at element {i}");
    }

    /// <summary>
    /// The Host kernel draws 8 counters per AVX-512 vector: offsets whose low 32 bits wrap inside a vector,
    /// and p at an exact multiple of 2^-24 (where "u >= p" and the integer threshold must agree), must
    /// still give exactly the scalar Philox mask.
    /// </summary>
    [Theory]
    [InlineData(0xFFFF_FFFCUL, 0.5f)]
    [InlineData(0x1234_5678_9ABCUL, 0.1f)]
    [InlineData(5UL, 0.25f + 1f / 16777216f)]
    [InlineData(3UL, 1f / 3f)]
    public void HostVectorMaskMatchesScalarPhiloxAcrossCounterWords(ulong offset, float p)
    {
        var k = TestBackends.Host;
        const int n = 203;
        var x = RandomFloats(n, 102, 0.5f, 2f);
        using var xb = Upload(k, x);
        using var yb = Upload(k, new float[n]);
        k.Dropout(xb, yb, n, p, Seed, offset, false);
        var actual = Download(k, yb);
        for (int i = 0; i < n; i++)
        {
            bool keep = Philox.Uniform(Seed, offset + (ulong)i) >= p;
            Assert.True(keep == (actual[i] != 0), $"element {i}: scalar Philox says keep={keep}, kernel gave {actual[i]}");
        }
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void SameSeedAndOffsetGiveTheSameMaskAndOffsetsShiftIt(string backend)
    {
        var k = TestBackends.Get(backend);
        const int n = 4096;
        using var xb = Upload(k, Enumerable.Repeat(1f, n).ToArray());
        using var a = k.Allocate(n);
        using var b = k.Allocate(n);
        using var c = k.Allocate(n);
        k.Dropout(xb, a, n, 0.5f, Seed, 77, false);
        k.Dropout(xb, b, n, 0.5f, Seed, 77, false);
        k.Dropout(xb, c, n, 0.5f, Seed, 78, false);
        var (ma, mb, mc) = (Download(k, a), Download(k, b), Download(k, c));
        Assert.Equal(ma, mb);
        // Offset 78 is the draw of offset 77 moved by one element.
        Assert.Equal(ma.Skip(1), mc.Take(n - 1));
        Assert.NotEqual(ma.Take(n - 1), mc.Take(n - 1));
    }

    /// <summary>
    /// Kept fraction of n Bernoulli(1 - p) draws (n = 200,000 on Host, 8192 on the slow ILGPU CPU accelerator):
    /// standard deviation sqrt(p (1 - p) / n), 1.0e-3 at n = 200,000 and p = 0.3; a 6-sigma bound fails a fair
    /// generator with probability ~2e-9, and a biased threshold or generator (off by more than 0.6% on Host) fails it.
    /// </summary>
    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void KeepRateIsOneMinusP(string backend)
    {
        var k = TestBackends.Get(backend);
        int n = Fits(backend, 200_000) ? 200_000 : (int)IlgpuCpuMaxElements;
        const float p = 0.3f;
        using var xb = Upload(k, Enumerable.Repeat(1f, n).ToArray());
        using var yb = k.Allocate(n);
        k.Dropout(xb, yb, n, p, 12345, 0, false);
        double kept = Download(k, yb).Count(v => v != 0) / (double)n;
        double sigma = Math.Sqrt(p * (1 - p) / n);
        Assert.InRange(kept, 1 - p - 6 * sigma, 1 - p + 6 * sigma);
    }

    /// <summary>Backward = the same call on dy with accumulate; the reference Jacobian (diagonal mask / (1 - p)) checked by finite differences.</summary>
    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void BackwardIsForwardOnDy(string backend)
    {
        var k = TestBackends.Get(backend);
        const int n = 333;
        const float p = 0.25f;
        var x = ToDouble(RandomFloats(n, 102));
        var dy = RandomFloats(n, 103);
        var dx0 = RandomFloats(n, 104);
        var analytic = DropoutReference.Forward(ToDouble(dy), p, Seed, 5);
        AssertGradient(v => DropoutReference.Forward(v, p, Seed, 5), x, ToDouble(dy), analytic, "dropout");

        using var dyb = Upload(k, dy);
        using var dxb = Upload(k, dx0);
        k.Dropout(dyb, dxb, n, p, Seed, 5, accumulate: true);
        AssertClose(analytic.Select((v, i) => v + dx0[i]).ToArray(), Download(k, dxb), 4 * FloatEps * 2, 2 * FloatEps, "dropout backward");
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void ProbabilityOutsideUnitIntervalIsRejected(string backend)
    {
        var k = TestBackends.Get(backend);
        using var x = k.Allocate(4);
        using var y = k.Allocate(4);
        var e = Assert.ThrowsAny<ArgumentException>(() => k.Dropout(x, y, 4, 1.5f, Seed, 0, false));
        Assert.Contains("Dropout", e.Message);
    }

    [Fact]
    public void ReferenceUsesPhiloxUniform() =>
        Assert.Equal(Philox.Uniform(Seed, 9) >= 0.5f ? 4.0 : 0.0, DropoutReference.Forward(new[] { 2.0 }, 0.5, Seed, 9)[0]);
}
