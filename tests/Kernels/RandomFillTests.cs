using NativeDsp.Kernels.Random;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// FillUniform / FillNormal / FillGumbel: element i must be the Philox draw at offset + i (the same numbers on
/// every backend; uniform exactly, normal and Gumbel within a few ulp since backends may evaluate log/cos
/// differently), and the samples must have the right first two moments (6-sigma bounds, n >= 8192).
/// </summary>
public class RandomFillTests
{
    const ulong Seed = 2024;
    const ulong Offset = 3_000_000_000UL;   // above 2^31: the 64-bit counter must carry into the high word

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var backend in TestBackends.All)
            foreach (int n in new[] { 1, 17, 8192, 100_000 })
                if (Fits(backend, n)) data.Add(backend, n);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void UniformIsPhiloxAtOffset(string backend, int n)
    {
        var k = TestBackends.Get(backend);
        using var y = k.Allocate(n);
        k.FillUniform(y, n, Seed, Offset);
        var values = Download(k, y);
        for (int i = 0; i < n; i++) Assert.Equal(Philox.Uniform(Seed, Offset + (ulong)i), values[i]);
        if (n >= 8192) AssertMoments(values, 0.5, 1.0 / 12, 1.0 / 80, "uniform");   // fourth central moment 1/80
    }

    [Theory, MemberData(nameof(Cases))]
    public void NormalIsPhiloxAtOffset(string backend, int n)
    {
        var k = TestBackends.Get(backend);
        using var y = k.Allocate(n);
        k.FillNormal(y, n, 1.5f, 2f, Seed, Offset);
        var values = Download(k, y);
        var expected = Enumerable.Range(0, n).Select(i => 1.5 + 2.0 * Philox.Normal(Seed, Offset + (ulong)i)).ToArray();
        AssertClose(expected, values, 1e-5, 1e-5, "FillNormal");
        if (n >= 8192) AssertMoments(values, 1.5, 4, 3 * 16, "normal");
    }

    [Theory, MemberData(nameof(Cases))]
    public void GumbelIsPhiloxAtOffset(string backend, int n)
    {
        var k = TestBackends.Get(backend);
        using var y = k.Allocate(n);
        k.FillGumbel(y, n, Seed, Offset);
        var values = Download(k, y);
        var expected = Enumerable.Range(0, n).Select(i => (double)Philox.Gumbel(Seed, Offset + (ulong)i)).ToArray();
        AssertClose(expected, values, 1e-5, 1e-5, "FillGumbel");
        // Gumbel(0, 1): mean = Euler-Mascheroni gamma, variance pi^2 / 6, fourth central moment 5.4 (pi^2/6)^2 (kurtosis 5.4).
        if (n >= 8192) AssertMoments(values, 0.5772156649, Math.PI * Math.PI / 6, 5.4 * Math.Pow(Math.PI * Math.PI / 6, 2), "gumbel");
    }

    /// <summary>Sample mean within 6 sigma = 6 sqrt(var / n); sample variance within 6 sqrt((mu4 - var^2) / n).</summary>
    static void AssertMoments(float[] values, double mean, double variance, double fourthMoment, string what)
    {
        int n = values.Length;
        double m = values.Average(v => (double)v);
        double s = values.Sum(v => (v - m) * (v - m)) / (n - 1);
        Assert.True(Math.Abs(m - mean) <= 6 * Math.Sqrt(variance / n), $"{what}: mean {m}, expected {mean}");
        Assert.True(Math.Abs(s - variance) <= 6 * Math.Sqrt((fourthMoment - variance * variance) / n), $"{what}: variance {s}, expected {variance}");
    }
}
