using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// Softmax and log-softmax, forward and backward, against <see cref="SoftmaxReference"/>, and the reference
/// backward passes against finite differences. Tolerances (<see cref="PrimitiveTestSupport.AssertSumClose"/>,
/// m = cols terms): softmax's exp(x - max) has relative error ~eps (2 + |x - max|) (the rounded argument),
/// the row sum ~sqrt(cols) eps; log-softmax's x - lse errs by eps (|x| + |lse| + 2); the backward passes add
/// a row sum (dot(dy, y) or sum(dy)) times y, and dx, dy themselves.
/// </summary>
public class SoftmaxTests
{
    static readonly (int Rows, int Cols)[] Shapes = { (1, 1), (3, 3), (17, 17), (3, 33), (5, 127), (2, 1000), (300, 129) };

    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var backend in TestBackends.All)
            foreach (var (rows, cols) in Shapes)
                if (Fits(backend, (long)rows * cols)) data.Add(backend, rows, cols);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void SoftmaxForwardMatchesReference(string backend, int rows, int cols)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(rows * cols, 40, -8f, 8f);
        x[0] = 60f;   // a large logit: exp without the max shift would lose the row's other terms
        using var xb = Upload(k, x);
        using var yb = k.Allocate(x.Length);
        k.SoftmaxForward(xb, yb, rows, cols);
        var expected = SoftmaxReference.Softmax(ToDouble(x), rows, cols);
        var magnitude = expected.Select((y, i) => y * (2 + Math.Abs(x[i]) + RowMax(x, i / cols, cols))).ToArray();
        AssertSumClose(expected, Download(k, yb), magnitude, cols, "Softmax");

        k.SoftmaxForward(xb, xb, rows, cols);   // y may alias x
        AssertSumClose(expected, Download(k, xb), magnitude, cols, "Softmax in place");
    }

    [Theory, MemberData(nameof(Cases))]
    public void LogSoftmaxForwardMatchesReference(string backend, int rows, int cols)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(rows * cols, 41, -8f, 8f);
        x[0] = -90f;   // exp(-90 - max) underflows in float; log-softmax must still be exact there
        using var xb = Upload(k, x);
        using var yb = k.Allocate(x.Length);
        k.LogSoftmaxForward(xb, yb, rows, cols);
        var expected = SoftmaxReference.LogSoftmax(ToDouble(x), rows, cols);
        var magnitude = expected.Select((y, i) => 2 + Math.Abs(x[i]) + Math.Abs(x[i] - y)).ToArray();
        AssertSumClose(expected, Download(k, yb), magnitude, cols, "LogSoftmax");

        k.LogSoftmaxForward(xb, xb, rows, cols);
        AssertSumClose(expected, Download(k, xb), magnitude, cols, "LogSoftmax in place");
    }

    [Theory, MemberData(nameof(Cases))]
    public void SoftmaxBackwardAddsTheReferenceGradient(string backend, int rows, int cols)
    {
        var k = TestBackends.Get(backend);
        var y = SoftmaxReference.Softmax(ToDouble(RandomFloats(rows * cols, 42, -4f, 4f)), rows, cols).Select(v => (float)v).ToArray();
        var dy = RandomFloats(y.Length, 43);
        var dx = RandomFloats(y.Length, 44);
        using var yb = Upload(k, y);
        using var dyb = Upload(k, dy);
        using var dxb = Upload(k, dx);
        k.SoftmaxBackward(yb, dyb, dxb, rows, cols);
        var expected = SoftmaxReference.SoftmaxBackward(ToDouble(y), ToDouble(dy), ToDouble(dx), rows, cols);
        var magnitude = expected.Select((_, i) => (double)Math.Abs(dx[i]) + y[i] * (Math.Abs(dy[i]) + 2.0)).ToArray();
        AssertSumClose(expected, Download(k, dxb), magnitude, cols, "SoftmaxBackward");
    }

    [Theory, MemberData(nameof(Cases))]
    public void LogSoftmaxBackwardAddsTheReferenceGradient(string backend, int rows, int cols)
    {
        var k = TestBackends.Get(backend);
        var y = SoftmaxReference.LogSoftmax(ToDouble(RandomFloats(rows * cols, 45, -4f, 4f)), rows, cols).Select(v => (float)v).ToArray();
        var dy = RandomFloats(y.Length, 46);
        var dx = RandomFloats(y.Length, 47);
        using var yb = Upload(k, y);
        using var dyb = Upload(k, dy);
        using var dxb = Upload(k, dx);
        k.LogSoftmaxBackward(yb, dyb, dxb, rows, cols);
        var expected = SoftmaxReference.LogSoftmaxBackward(ToDouble(y), ToDouble(dy), ToDouble(dx), rows, cols);
        var magnitude = expected.Select((_, i) =>
        {
            double absSum = 0;
            for (int c = 0; c < cols; c++) absSum += Math.Abs(dy[i / cols * cols + c]);
            return Math.Abs(dx[i]) + Math.Abs(dy[i]) + Math.Exp(y[i]) * absSum * (2 + Math.Abs(y[i]));
        }).ToArray();
        AssertSumClose(expected, Download(k, dxb), magnitude, cols, "LogSoftmaxBackward");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(2, 33)]
    public void ReferenceBackwardsMatchFiniteDifferences(int rows, int cols)
    {
        var x = ToDouble(RandomFloats(rows * cols, 48, -3f, 3f));
        var dy = ToDouble(RandomFloats(rows * cols, 49));
        var zero = new double[x.Length];
        var softmax = SoftmaxReference.SoftmaxBackward(SoftmaxReference.Softmax(x, rows, cols), dy, zero, rows, cols);
        AssertGradient(v => SoftmaxReference.Softmax(v, rows, cols), x, dy, softmax, "softmax");
        var logSoftmax = SoftmaxReference.LogSoftmaxBackward(SoftmaxReference.LogSoftmax(x, rows, cols), dy, zero, rows, cols);
        AssertGradient(v => SoftmaxReference.LogSoftmax(v, rows, cols), x, dy, logSoftmax, "log-softmax");
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void ShortBufferIsRejected(string backend)
    {
        var k = TestBackends.Get(backend);
        using var x = k.Allocate(11);
        using var y = k.Allocate(12);
        var e = Assert.ThrowsAny<ArgumentException>(() => k.SoftmaxForward(x, y, 3, 4));
        Assert.Contains("Softmax", e.Message);
    }

    static double RowMax(float[] x, int row, int cols)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < cols; c++) max = Math.Max(max, Math.Abs(x[row * cols + c]));
        return max;
    }
}
