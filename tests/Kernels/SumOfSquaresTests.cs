using NativeDsp.Kernels;
using NativeDsp.Kernels.Ilgpu;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// <see cref="IKernels.SumOfSquares"/> against the sum in double, on every backend, at odd lengths: 0, 1, 31, one past
/// 1024, and 2^20 + 3 (on ILGPU's CPU accelerator, with groups of 64, that is past <see cref="IlgpuKernels.MaxSumGroups"/>
/// groups of one element per thread: each thread adds 16 or 17 squares, and the second pass adds 1024 partials).
/// <para>
/// Tolerance: every term is a square (>= 0), so a float sum in any order whose longest chain of additions is D has a
/// relative error of at most (D + 1) 2^-24 (to first order; +1 for rounding each square). Host: TensorPrimitives over
/// blocks of 4096 keeps at least 4 lanes, so at most 1024 additions per lane plus a lane fold of at most 16, and the
/// block sums are added in double (error 2^-53 each): D &lt;= 1040. ILGPU: a thread adds at most ceil(n / (G x 64)) squares,
/// then each of the two passes folds warps (log2 4 = 2 shuffles) and 16 warp partials in order: D &lt;= ceil(n / 65536) + 36.
/// Both fit D &lt;= 1040 + n / 65536, used for all.
/// </para>
/// </summary>
public sealed class SumOfSquaresTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var backend in new[] { "host", "ilgpu-cpu" })
            foreach (int n in new[] { 0, 1, 31, 1025, (1 << 20) + 3 })
                data.Add(backend, n);
        foreach (var backend in TestBackends.NarrowHosts) data.Add(backend, 1025);
        return data;
    }

    static double Bound(int n) => (1040 + n / 65536.0 + 1) * FloatEps;

    [Theory, MemberData(nameof(Cases))]
    public void MatchesTheDoubleSum_SameBitsEveryRun(string backend, int n)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(n + 5, 40 + n, -3f, 3f); // 5 floats past n that must not count
        for (int i = n; i < x.Length; i++) x[i] = 1e6f;
        double exact = 0;
        for (int i = 0; i < n; i++) exact += (double)x[i] * x[i];
        using var xb = Upload(k, x);
        using var result = Upload(k, [123f]);
        k.SumOfSquares(xb, n, result, accumulate: false);
        float first = result.ToArray()[0];
        Assert.True(Math.Abs(first - exact) <= Bound(n) * exact, $"{backend} n={n}: {first} vs {exact} (bound {Bound(n) * exact})");
        // Deterministic: the same bits on a second run, and accumulating adds to what is there.
        k.SumOfSquares(xb, n, result, accumulate: false);
        Assert.Equal(BitConverter.SingleToInt32Bits(first), BitConverter.SingleToInt32Bits(result.ToArray()[0]));
        result.CopyFrom([-2.5f]);
        k.SumOfSquares(xb, n, result, accumulate: true);
        double accumulated = exact - 2.5;
        Assert.True(Math.Abs(result.ToArray()[0] - accumulated) <= Bound(n) * exact + 2.5 * FloatEps,
                    $"{backend} n={n} accumulate: {result.ToArray()[0]} vs {accumulated}");
        Assert.Equal(x, xb.ToArray()); // x is read only
    }

    [Theory]
    [InlineData("host")]
    [InlineData("ilgpu-cpu")]
    public void NonFiniteElementsGiveANonFiniteSum(string backend)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(3000, 9);
        using var result = k.Allocate(1);
        x[1234] = float.NaN;
        using (var xb = Upload(k, x)) k.SumOfSquares(xb, x.Length, result, false);
        Assert.True(float.IsNaN(result.ToArray()[0]));
        x[1234] = 2e20f; // its square overflows float
        using (var xb = Upload(k, x)) k.SumOfSquares(xb, x.Length, result, false);
        Assert.True(float.IsPositiveInfinity(result.ToArray()[0]));
    }

    /// <summary>One launch when one group covers n; two (grid, then the partials) above, whatever n.</summary>
    [Fact]
    public void IlgpuLaunchesOneOrTwoKernels()
    {
        var k = (IlgpuKernels)TestBackends.Get("ilgpu-cpu");
        using var x = Upload(k, RandomFloats(200_000, 3));
        using var result = k.Allocate(1);
        foreach (var (n, launches) in new[] { (k.GroupSize, 1L), (k.GroupSize + 1, 2L), (200_000, 2L) })
        {
            long before = k.SumOfSquaresLaunches;
            k.SumOfSquares(x, n, result, false);
            Assert.Equal(launches, k.SumOfSquaresLaunches - before);
        }
    }
}
