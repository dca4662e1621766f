using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// Layer norm forward and fused backward against <see cref="LayerNormReference"/>, and the reference backward
/// (dx, dgamma, dbeta) against finite differences. Tolerances (<see cref="PrimitiveTestSupport.AssertSumClose"/>):
/// mean and variance are sums of cols terms, so y errs by ~sqrt(cols) eps times (|x| + |mean|) rstd |gamma| + |beta|;
/// dx adds two row means of g = dy gamma (and g xhat); dgamma and dbeta are sums over rows.
/// </summary>
public class LayerNormTests
{
    const float Eps = 1e-5f;

    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var backend in TestBackends.All)
            foreach (var (rows, cols) in new[] { (1, 1), (1, 3), (3, 17), (17, 33), (5, 127), (2, 1000), (300, 129) })
                if (Fits(backend, (long)rows * cols)) data.Add(backend, rows, cols);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void ForwardMatchesReference(string backend, int rows, int cols)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(rows * cols, 60, -3f, 5f);   // non-zero mean
        var gamma = RandomFloats(cols, 61, 0.5f, 1.5f);
        var beta = RandomFloats(cols, 62);
        using var xb = Upload(k, x);
        using var gb = Upload(k, gamma);
        using var bb = Upload(k, beta);
        using var yb = k.Allocate(x.Length);
        using var mb = k.Allocate(rows);
        using var rb = k.Allocate(rows);
        k.LayerNormForward(xb, gb, bb, yb, mb, rb, rows, cols, Eps);
        var (y, mean, rstd) = LayerNormReference.Forward(ToDouble(x), ToDouble(gamma), ToDouble(beta), rows, cols, Eps);
        var magnitude = y.Select((_, i) => (Math.Abs(x[i]) + Math.Abs(mean[i / cols]) + 1) * rstd[i / cols] * Math.Abs(gamma[i % cols]) * 4 + Math.Abs(beta[i % cols])).ToArray();
        AssertSumClose(y, Download(k, yb), magnitude, cols, "LayerNorm y");
        AssertSumClose(mean, Download(k, mb), mean.Select((m, r) => 5.0).ToArray(), cols, "LayerNorm mean");
        AssertSumClose(rstd, Download(k, rb), rstd.Select(v => 4 * v).ToArray(), cols, "LayerNorm rstd");
    }

    [Theory, MemberData(nameof(Cases))]
    public void BackwardAddsTheReferenceGradients(string backend, int rows, int cols)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(rows * cols, 63, -3f, 5f);
        var gamma = RandomFloats(cols, 64, 0.5f, 1.5f);
        var dy = RandomFloats(x.Length, 65);
        var dx = RandomFloats(x.Length, 66);
        var dgamma = RandomFloats(cols, 67);
        var dbeta = RandomFloats(cols, 68);
        var (_, mean, rstd) = LayerNormReference.Forward(ToDouble(x), ToDouble(gamma), new double[cols], rows, cols, Eps);
        using var dyb = Upload(k, dy);
        using var xb = Upload(k, x);
        using var gb = Upload(k, gamma);
        using var mb = Upload(k, mean.Select(v => (float)v).ToArray());
        using var rb = Upload(k, rstd.Select(v => (float)v).ToArray());
        using var dxb = Upload(k, dx);
        using var dgb = Upload(k, dgamma);
        using var dbb = Upload(k, dbeta);
        k.LayerNormBackward(dyb, xb, gb, mb, rb, dxb, dgb, dbb, rows, cols);
        var (edx, edg, edb) = LayerNormReference.Backward(ToDouble(dy), ToDouble(x), ToDouble(gamma), ToDouble(dx), ToDouble(dgamma), ToDouble(dbeta), rows, cols, Eps);

        // xhat carries the rounding of mean and rstd: relative ~eps (|x| + |mean|) rstd / |xhat|, so magnitudes
        // use (|x| + |mean| + 1) rstd in place of |xhat|.
        double XhatScale(int i) => (Math.Abs(x[i]) + Math.Abs(mean[i / cols]) + 1) * rstd[i / cols];
        var rowG = new double[rows];
        for (int i = 0; i < x.Length; i++) rowG[i / cols] += Math.Abs(dy[i] * gamma[i % cols]) * (1 + XhatScale(i)) / cols;
        var dxMagnitude = edx.Select((_, i) => Math.Abs(dx[i]) + 4 * rstd[i / cols] * (1 + XhatScale(i)) * (Math.Abs(dy[i] * gamma[i % cols]) + rowG[i / cols])).ToArray();
        var dgMagnitude = new double[cols];
        var dbMagnitude = new double[cols];
        for (int c = 0; c < cols; c++) { dgMagnitude[c] = Math.Abs(dgamma[c]); dbMagnitude[c] = Math.Abs(dbeta[c]); }
        for (int i = 0; i < x.Length; i++)
        {
            dgMagnitude[i % cols] += 2 * Math.Abs(dy[i]) * XhatScale(i);
            dbMagnitude[i % cols] += Math.Abs(dy[i]);
        }
        AssertSumClose(edx, Download(k, dxb), dxMagnitude, cols, "LayerNorm dx");
        AssertSumClose(edg, Download(k, dgb), dgMagnitude, rows + 1, "LayerNorm dgamma");
        AssertSumClose(edb, Download(k, dbb), dbMagnitude, rows + 1, "LayerNorm dbeta");
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 5)]
    [InlineData(2, 17)]
    public void ReferenceBackwardMatchesFiniteDifferences(int rows, int cols)
    {
        var x = ToDouble(RandomFloats(rows * cols, 69, -3f, 5f));
        var gamma = ToDouble(RandomFloats(cols, 70, 0.5f, 1.5f));
        var beta = ToDouble(RandomFloats(cols, 71));
        var dy = ToDouble(RandomFloats(rows * cols, 72));
        var (dx, dgamma, dbeta) = LayerNormReference.Backward(dy, x, gamma, new double[x.Length], new double[cols], new double[cols], rows, cols, Eps);
        AssertGradient(v => LayerNormReference.Forward(v, gamma, beta, rows, cols, Eps).Y, x, dy, dx, "layernorm dx");
        AssertGradient(v => LayerNormReference.Forward(x, v, beta, rows, cols, Eps).Y, gamma, dy, dgamma, "layernorm dgamma");
        AssertGradient(v => LayerNormReference.Forward(x, gamma, v, rows, cols, Eps).Y, beta, dy, dbeta, "layernorm dbeta");
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void ShortGammaIsRejected(string backend)
    {
        var k = TestBackends.Get(backend);
        using var x = k.Allocate(12);
        using var g = k.Allocate(3);
        using var b = k.Allocate(4);
        using var y = k.Allocate(12);
        using var m = k.Allocate(3);
        using var r = k.Allocate(3);
        var e = Assert.ThrowsAny<ArgumentException>(() => k.LayerNormForward(x, g, b, y, m, r, 3, 4, Eps));
        Assert.Contains("LayerNorm", e.Message);
        Assert.Contains("gamma", e.Message);
    }
}
