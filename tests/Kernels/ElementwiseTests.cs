using NativeDsp.Kernels;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// Binary, ScaleShift, Axpy, ReduceRows and ReduceBroadcast against <see cref="ElementwiseReference"/>.
/// Element-wise results are one or two float roundings of the exact value: tolerance 2 eps |expected|
/// (plus 2 eps times the operands' magnitude for axpy/scale-shift, where cancellation can make the result small).
/// Sums use <see cref="PrimitiveTestSupport.AssertSumClose"/> (error relative to the sum of |terms|).
/// </summary>
public class ElementwiseTests
{
    static readonly (int N, int Period, int Inner)[] BroadcastShapes =
    {
        (1, 1, 1), (17, 1, 1), (51, 17, 1), (50, 17, 1), (127, 3, 5), (3 * 4 * 33, 4, 33), (129 * 300, 129, 1), (200 * 300, 7, 300),
    };

    public static TheoryData<string, BinaryOp, int, int, int> BinaryCases()
    {
        var data = new TheoryData<string, BinaryOp, int, int, int>();
        foreach (var backend in TestBackends.All)
            foreach (var op in Enum.GetValues<BinaryOp>())
                foreach (var (n, period, inner) in BroadcastShapes)
                    if (Fits(backend, n)) data.Add(backend, op, n, period, inner);
        return data;
    }

    [Theory, MemberData(nameof(BinaryCases))]
    public void BinaryMatchesReference(string backend, BinaryOp op, int n, int period, int inner)
    {
        var k = TestBackends.Get(backend);
        var a = RandomFloats(n, 10);
        var b = RandomFloats(period, 11, 0.5f, 2f);   // away from 0 so that Div is well conditioned
        using var ab = Upload(k, a);
        using var bb = Upload(k, b);
        using var yb = k.Allocate(n);
        k.Binary(op, ab, bb, yb, n, period, inner);
        var expected = ElementwiseReference.Binary(op, ToDouble(a), ToDouble(b), n, period, inner);
        AssertClose(expected, Download(k, yb), 0, 2 * FloatEps, $"Binary {op}");

        // y may alias a.
        k.Binary(op, ab, bb, ab, n, period, inner);
        AssertClose(expected, Download(k, ab), 0, 2 * FloatEps, $"Binary {op} in place");
    }

    public static TheoryData<string, int, int, int, bool, bool> ReduceBroadcastCases()
    {
        var data = new TheoryData<string, int, int, int, bool, bool>();
        foreach (var backend in TestBackends.All)
            foreach (var (n, period, inner) in BroadcastShapes)
                foreach (bool product in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                        if (Fits(backend, n)) data.Add(backend, n, period, inner, product, accumulate);
        return data;
    }

    [Theory, MemberData(nameof(ReduceBroadcastCases))]
    public void ReduceBroadcastMatchesReference(string backend, int n, int period, int inner, bool product, bool accumulate)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(n, 12);
        var x2 = product ? RandomFloats(n, 13) : null;
        var db = RandomFloats(period, 14);
        using var xb = Upload(k, x);
        using var x2b = x2 is null ? null : Upload(k, x2);
        using var dbb = Upload(k, db);
        k.ReduceBroadcast(xb, x2b, dbb, n, period, inner, accumulate);
        var expected = ElementwiseReference.ReduceBroadcast(ToDouble(x), x2 is null ? null : ToDouble(x2), ToDouble(db), n, period, inner, accumulate);
        var magnitude = ElementwiseReference.ReduceBroadcast(ToDouble(x).Select(Math.Abs).ToArray(), x2 is null ? null : ToDouble(x2).Select(Math.Abs).ToArray(),
                                                             ToDouble(db).Select(Math.Abs).ToArray(), n, period, inner, accumulate);
        int terms = ((n + inner - 1) / inner + period - 1) / period * inner + 1;
        AssertSumClose(expected, Download(k, dbb), magnitude, terms, "ReduceBroadcast");
    }

    /// <summary>
    /// ReduceBroadcast is the backward of Binary w.r.t. b: for Add, db = reduce(dy); for Mul, db = reduce(dy * a).
    /// Checked by finite differences of the Binary reference (the gradient check of the broadcast ops).
    /// </summary>
    [Theory]
    [InlineData(BinaryOp.Add, 51, 17, 1)]
    [InlineData(BinaryOp.Mul, 51, 17, 1)]
    [InlineData(BinaryOp.Add, 127, 3, 5)]
    [InlineData(BinaryOp.Mul, 127, 3, 5)]
    public void ReduceBroadcastIsTheGradientOfBinary(BinaryOp op, int n, int period, int inner)
    {
        var a = ToDouble(RandomFloats(n, 15));
        var b = ToDouble(RandomFloats(period, 16));
        var dy = ToDouble(RandomFloats(n, 17));
        var db = ElementwiseReference.ReduceBroadcast(dy, op == BinaryOp.Mul ? a : null, new double[period], n, period, inner, false);
        AssertGradient(bv => ElementwiseReference.Binary(op, a, bv, n, period, inner), b, dy, db, $"d Binary {op} / db");
    }

    public static TheoryData<string, int> SizeCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var backend in TestBackends.All)
            foreach (int n in new[] { 1, 3, 17, 33, 127, 50_001 })
                if (Fits(backend, n)) data.Add(backend, n);
        return data;
    }

    [Theory, MemberData(nameof(SizeCases))]
    public void ScaleShiftAndAxpyMatchReference(string backend, int n)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(n, 18);
        var y = RandomFloats(n, 19);
        using var xb = Upload(k, x);
        using var yb = Upload(k, y);
        k.Axpy(-0.75f, xb, yb, n);
        var axpy = ToDouble(y).Select((v, i) => v + -0.75 * x[i]).ToArray();
        // One fused or two separate roundings: error <= 2 eps (|y| + |alpha x|).
        AssertClose(axpy, Download(k, yb), 2 * FloatEps * 3.5, 2 * FloatEps, "Axpy");

        k.ScaleShift(xb, xb, n, 1.5f, -0.25f);   // in place (y may alias x)
        var scaled = ToDouble(x).Select(v => 1.5 * v - 0.25).ToArray();
        AssertClose(scaled, Download(k, xb), 2 * FloatEps * 3.25, 2 * FloatEps, "ScaleShift");
    }

    public static TheoryData<string, int, int> RowCases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var backend in TestBackends.All)
            foreach (var (rows, cols) in new[] { (1, 1), (3, 17), (17, 33), (5, 127), (300, 129) })
                if (Fits(backend, (long)rows * cols)) data.Add(backend, rows, cols);
        return data;
    }

    [Theory, MemberData(nameof(RowCases))]
    public void ReduceRowsMatchesReference(string backend, int rows, int cols)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(rows * cols, 20);
        using var xb = Upload(k, x);
        using var yb = k.Allocate(rows);
        k.ReduceRows(xb, yb, rows, cols, 1f / cols);
        var expected = ElementwiseReference.ReduceRows(ToDouble(x), rows, cols, 1.0 / cols);
        var magnitude = ElementwiseReference.ReduceRows(ToDouble(x).Select(Math.Abs).ToArray(), rows, cols, 1.0 / cols);
        AssertSumClose(expected, Download(k, yb), magnitude, cols + 1, "ReduceRows mean");
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void BinaryRejectsShortBias(string backend)
    {
        var k = TestBackends.Get(backend);
        using var a = k.Allocate(12);
        using var b = k.Allocate(3);
        using var y = k.Allocate(12);
        var e = Assert.ThrowsAny<ArgumentException>(() => k.Binary(BinaryOp.Add, a, b, y, 12, 4, 1));
        Assert.Contains("Binary", e.Message);
    }
}
