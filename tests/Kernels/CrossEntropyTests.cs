using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// Fused log-softmax + cross-entropy with label smoothing and an ignore index, against
/// <see cref="CrossEntropyReference"/>. Tolerances (<see cref="PrimitiveTestSupport.AssertSumClose"/>, m = cols):
/// the loss is lse - x_t plus eps (lse - mean x): errors ~ eps (|lse| + |x_t| + mean|x| + 2) times sqrt(cols) for the
/// sums; the backward's exp(x - lse) has relative error eps (|x| + |lse| + 2), scaled by |dloss|.
/// </summary>
public class CrossEntropyTests
{
    const int Ignore = -100;

    public static TheoryData<string, int, int, float, int> Cases()
    {
        var data = new TheoryData<string, int, int, float, int>();
        foreach (var backend in TestBackends.All)
            foreach (var (rows, cols) in new[] { (1, 1), (3, 3), (17, 17), (4, 33), (5, 127), (2, 1000), (300, 129) })
                foreach (float smoothing in new[] { 0f, 0.1f })
                    foreach (int ignore in new[] { Ignore, 0 })   // 0: the ignore index may be a real class (padding id)
                        if (Fits(backend, (long)rows * cols)) data.Add(backend, rows, cols, smoothing, ignore);
        return data;
    }

    static (float[] Logits, int[] Targets) Inputs(int rows, int cols, int ignore, int seed)
    {
        var logits = RandomFloats(rows * cols, seed, -6f, 6f);
        var targets = RandomInts(rows, seed + 1, cols);
        for (int r = 1; r < rows; r += 3) targets[r] = ignore;   // every third row from the second is ignored
        return (logits, targets);
    }

    [Theory, MemberData(nameof(Cases))]
    public void ForwardMatchesReference(string backend, int rows, int cols, float smoothing, int ignore)
    {
        var k = TestBackends.Get(backend);
        var (logits, targets) = Inputs(rows, cols, ignore, 50);
        using var xb = Upload(k, logits);
        using var tb = Upload(k, targets);
        using var loss = k.Allocate(rows);
        using var lse = k.Allocate(rows);
        k.CrossEntropyForward(xb, tb, loss, lse, rows, cols, ignore, smoothing);
        var (expectedLoss, expectedLse) = CrossEntropyReference.Forward(ToDouble(logits), targets, rows, cols, ignore, smoothing);
        var magnitude = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double meanAbs = 0;
            for (int c = 0; c < cols; c++) meanAbs += Math.Abs(logits[r * cols + c]) / cols;
            magnitude[r] = 2 + 2 * Math.Abs(expectedLse[r]) + meanAbs + 6;
        }
        var lossOut = Download(k, loss);
        AssertSumClose(expectedLoss, lossOut, magnitude, cols, "CrossEntropy loss");
        AssertSumClose(expectedLse, Download(k, lse), magnitude, cols, "CrossEntropy lse");
        for (int r = 0; r < rows; r++)
            if (targets[r] == ignore) Assert.Equal(0f, lossOut[r]);
    }

    [Theory, MemberData(nameof(Cases))]
    public void BackwardAddsTheReferenceGradient(string backend, int rows, int cols, float smoothing, int ignore)
    {
        var k = TestBackends.Get(backend);
        var (logits, targets) = Inputs(rows, cols, ignore, 51);
        var (_, lse) = CrossEntropyReference.Forward(ToDouble(logits), targets, rows, cols, ignore, smoothing);
        var dloss = RandomFloats(rows, 52);
        var dlogits = RandomFloats(rows * cols, 53);
        using var xb = Upload(k, logits);
        using var tb = Upload(k, targets);
        using var lseb = Upload(k, lse.Select(v => (float)v).ToArray());
        using var dlb = Upload(k, dloss);
        using var dxb = Upload(k, dlogits);
        k.CrossEntropyBackward(xb, tb, lseb, dlb, dxb, rows, cols, ignore, smoothing);
        var expected = CrossEntropyReference.Backward(ToDouble(logits), targets, ToDouble(dloss), ToDouble(dlogits), rows, cols, ignore, smoothing);
        var p = SoftmaxReference.Softmax(ToDouble(logits), rows, cols);
        var magnitude = expected.Select((_, i) =>
            Math.Abs(dlogits[i]) + Math.Abs(dloss[i / cols]) * (p[i] * (2 + Math.Abs(logits[i]) + Math.Abs(lse[i / cols])) + 1)).ToArray();
        AssertSumClose(expected, Download(k, dxb), magnitude, 4, "CrossEntropyBackward");
    }

    [Theory]
    [InlineData(1, 1, 0f)]
    [InlineData(4, 5, 0f)]
    [InlineData(4, 5, 0.1f)]
    [InlineData(3, 17, 0.2f)]
    public void ReferenceBackwardMatchesFiniteDifferences(int rows, int cols, float smoothing)
    {
        var (logits, targets) = Inputs(rows, cols, Ignore, 54);
        var x = ToDouble(logits);
        var dloss = ToDouble(RandomFloats(rows, 55));
        var analytic = CrossEntropyReference.Backward(x, targets, dloss, new double[x.Length], rows, cols, Ignore, smoothing);
        AssertGradient(v => CrossEntropyReference.Forward(v, targets, rows, cols, Ignore, smoothing).Loss, x, dloss, analytic, "cross-entropy");
    }

    /// <summary>Label smoothing as documented: with eps = 1 the loss is the mean of -logp over the classes.</summary>
    [Fact]
    public void FullSmoothingIsTheUniformTarget()
    {
        var x = ToDouble(RandomFloats(7, 56));
        var (loss, _) = CrossEntropyReference.Forward(x, new[] { 3 }, 1, 7, Ignore, 1.0);
        Assert.Equal(-SoftmaxReference.LogSoftmax(x, 1, 7).Average(), loss[0], 1e-12);
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void TargetOutOfRangeGivesNaNNotAnOutOfBoundsAccess(string backend)
    {
        // Targets are validated by the engine on the host; one that reaches a kernel anyway gives a NaN loss
        // for its row, never a read outside the row, and backward adds no target term (same on every backend).
        var k = TestBackends.Get(backend);
        using var x = k.Allocate(2 * 3);
        using var t = Upload(k, new[] { 1, 7 });
        using var loss = k.Allocate(2);
        using var lse = k.Allocate(2);
        k.CrossEntropyForward(x, t, loss, lse, 2, 3, Ignore, 0f);
        var l = loss.ToArray();
        Assert.Equal(MathF.Log(3f), l[0], 5);
        Assert.True(float.IsNaN(l[1]));
        using var dloss = k.Allocate(2);
        dloss.CopyFrom([1f, 1f]);
        using var dx = k.Allocate(2 * 3);
        k.CrossEntropyBackward(x, t, lse, dloss, dx, 2, 3, Ignore, 0f);
        var g = dx.ToArray();
        Assert.Equal(1f / 3f, g[3], 5); // p_c = 1/3 for the equal logits, no target term
        Assert.Equal(1f / 3f - 1f, g[1], 5);
    }
}
