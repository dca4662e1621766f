using NativeDsp.Kernels;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// Fill, Copy, Copy2D and SwapAxes12 against <see cref="CopiesReference"/>. Copies are exact in float and
/// accumulation is one float addition, so the tolerance is one rounding of the result (eps |expected|).
/// </summary>
public class CopiesTests
{
    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void FillWritesOnlyTheRange(string backend)
    {
        var k = TestBackends.Get(backend);
        var data = RandomFloats(37, 1);
        using var y = Upload(k, data);
        k.Fill(y, 2.5f, 3, 17);
        var expected = ToDouble(data);
        for (int i = 3; i < 20; i++) expected[i] = 2.5;
        AssertClose(expected, Download(k, y), 0, 0, "Fill");
    }

    public static TheoryData<string, int, bool> CopyCases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var backend in TestBackends.All)
            foreach (int n in new[] { 1, 3, 17, 33, 127, 40_000 })
                foreach (bool accumulate in new[] { false, true })
                    if (Fits(backend, n)) data.Add(backend, n, accumulate);
        return data;
    }

    [Theory, MemberData(nameof(CopyCases))]
    public void CopyMatchesReference(string backend, int n, bool accumulate)
    {
        var k = TestBackends.Get(backend);
        var src = RandomFloats(n + 5, 2);
        var dst = RandomFloats(n + 9, 3);
        using var s = Upload(k, src);
        using var d = Upload(k, dst);
        k.Copy(s, 5, d, 2, n, accumulate);
        var expected = CopiesReference.Copy2D(ToDouble(src), 5, n, ToDouble(dst), 2, n, 1, n, accumulate);
        AssertClose(expected, Download(k, d), 0, FloatEps, "Copy");
    }

    public static TheoryData<string, int, int, bool> Copy2DCases()
    {
        var data = new TheoryData<string, int, int, bool>();
        foreach (var backend in TestBackends.All)
            foreach (var (rows, cols) in new[] { (1, 1), (3, 17), (17, 3), (33, 127), (260, 130) })
                foreach (bool accumulate in new[] { false, true })
                    if (Fits(backend, 3L * rows * cols)) data.Add(backend, rows, cols, accumulate);
        return data;
    }

    [Theory, MemberData(nameof(Copy2DCases))]
    public void Copy2DMatchesReference(string backend, int rows, int cols, bool accumulate)
    {
        var k = TestBackends.Get(backend);
        int srcStride = cols + 3, dstStride = 2 * cols + 1, srcOffset = 4, dstOffset = cols;
        var src = RandomFloats(srcOffset + rows * srcStride, 4);
        var dst = RandomFloats(dstOffset + rows * dstStride + 2, 5);
        using var s = Upload(k, src);
        using var d = Upload(k, dst);
        k.Copy2D(s, srcOffset, srcStride, d, dstOffset, dstStride, rows, cols, accumulate);
        var expected = CopiesReference.Copy2D(ToDouble(src), srcOffset, srcStride, ToDouble(dst), dstOffset, dstStride, rows, cols, accumulate);
        AssertClose(expected, Download(k, d), 0, FloatEps, "Copy2D");
    }

    public static TheoryData<string, int, int, int, int, bool> SwapCases()
    {
        var data = new TheoryData<string, int, int, int, int, bool>();
        foreach (var backend in TestBackends.All)
            foreach (var (d0, d1, d2, d3) in new[] { (1, 1, 1, 1), (2, 3, 5, 7), (3, 17, 4, 33), (4, 65, 6, 32) })
                foreach (bool accumulate in new[] { false, true })
                    if (Fits(backend, (long)d0 * d1 * d2 * d3)) data.Add(backend, d0, d1, d2, d3, accumulate);
        return data;
    }

    [Theory, MemberData(nameof(SwapCases))]
    public void SwapAxes12MatchesReference(string backend, int d0, int d1, int d2, int d3, bool accumulate)
    {
        var k = TestBackends.Get(backend);
        int n = d0 * d1 * d2 * d3;
        var x = RandomFloats(n, 6);
        var y = RandomFloats(n, 7);
        using var xb = Upload(k, x);
        using var yb = Upload(k, y);
        k.SwapAxes12(xb, yb, d0, d1, d2, d3, accumulate);
        var expected = CopiesReference.SwapAxes12(ToDouble(x), ToDouble(y), d0, d1, d2, d3, accumulate);
        AssertClose(expected, Download(k, yb), 0, FloatEps, "SwapAxes12");
    }

    /// <summary>
    /// SwapAxes12 is its own adjoint with d1 and d2 exchanged (the backward of the permute): swapping twice is
    /// the identity, and in double &lt;P x, z&gt; = &lt;x, P' z&gt; holds exactly on the reference.
    /// </summary>
    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void SwapAxes12IsItsOwnAdjoint(string backend)
    {
        var k = TestBackends.Get(backend);
        const int d0 = 2, d1 = 3, d2 = 5, d3 = 7;
        var x = RandomFloats(d0 * d1 * d2 * d3, 8);
        var z = ToDouble(RandomFloats(x.Length, 9));
        var px = CopiesReference.SwapAxes12(ToDouble(x), new double[x.Length], d0, d1, d2, d3, false);
        var ptz = CopiesReference.SwapAxes12(z, new double[x.Length], d0, d2, d1, d3, false);
        double lhs = px.Zip(z, (a, b) => a * b).Sum(), rhs = ToDouble(x).Zip(ptz, (a, b) => a * b).Sum();
        Assert.Equal(lhs, rhs, 1e-9);

        using var xb = Upload(k, x);
        using var yb = k.Allocate(x.Length);
        using var back = k.Allocate(x.Length);
        k.SwapAxes12(xb, yb, d0, d1, d2, d3, false);
        k.SwapAxes12(yb, back, d0, d2, d1, d3, false);
        AssertClose(ToDouble(x), Download(k, back), 0, 0, "SwapAxes12 twice");
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void ShortBufferIsRejectedWithOpAndSizes(string backend)
    {
        var k = TestBackends.Get(backend);
        using var s = k.Allocate(10);
        using var d = k.Allocate(10);
        var e = Assert.ThrowsAny<ArgumentException>(() => k.Copy2D(s, 0, 4, d, 0, 4, 3, 4, false));
        Assert.Contains("Copy2D", e.Message);
        Assert.Contains("10", e.Message);
    }
}
