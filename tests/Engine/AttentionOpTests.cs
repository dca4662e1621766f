using NativeDsp.Engine;
using NativeDsp.Kernels;
using NativeDsp.Tests.Kernels;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Model.ModelTestKit;

namespace NativeDsp.Tests.Engine;

/// <summary>
/// <see cref="Ops.Attention"/> (the autograd wrapper of the fused kernel) and <see cref="Ops.SelectRows"/>
/// on the Host backend: values and every gradient against the double-precision <see cref="AttentionReference"/>,
/// with the gate taken as a slice of a larger global gate so that dL/dgate must reach the global vector.
/// </summary>
public class AttentionOpTests
{
    /// <summary>Same bound and reasoning as the kernel tests (AttentionTests): O(1) inputs, ~10 keys, float32 sums.</summary>
    const double Tolerance = 1e-4;

    static double[] D(float[] x) => x.Select(v => (double)v).ToArray();

    [Theory]
    [InlineData(2, 3, 5, 7, 4, false)]
    [InlineData(2, 3, 6, 6, 5, true)]
    [InlineData(1, 2, 1, 9, 8, true)] // one cached decoder step
    public void ValuesAndGradientsMatchReferenceThroughAGlobalGate(int b, int h, int tq, int tk, int d, bool causal)
    {
        using var device = HostDevice();
        var s = AttentionShape.Create(b, h, tq, tk, d, causal);
        var qv = RandomFloats(s.QueryElements, 1, 1.5f);
        var kv = RandomFloats(s.KeyElements, 2, 1.5f);
        var vv = RandomFloats(s.KeyElements, 3);
        var wv = RandomFloats(s.QueryElements, 4); // loss = sum(o * w), so dO = w
        var maskv = new float[b * tk];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < tk - i; j++) maskv[i * tk + j] = 1; // row i pads its last i keys
        const int offset = 2;
        var globalGate = RandomFloats(h + 3, 5).Select(x => 0.5f + 0.5f * x).ToArray();

        using var q = Tensor.FromArray(device, qv, b, h, tq, d);
        using var k = Tensor.FromArray(device, kv, b, h, tk, d);
        using var v = Tensor.FromArray(device, vv, b, h, tk, d);
        using var w = Tensor.FromArray(device, wv, b, h, tq, d);
        using var mask = Tensor.FromArray(device, maskv, b, tk);
        using var gate = Tensor.FromArray(device, globalGate, h + 3);
        foreach (var t in new[] { q, k, v, gate }) t.RequiresGrad = true;

        using (device.Scope())
        {
            var o = Ops.Attention(q, k, v, mask, Ops.Slice(gate, 0, offset, h), causal);
            var loss = Ops.Sum(Ops.Mul(o, w));
            var localGate = globalGate.Skip(offset).Take(h).Select(x => (double)x).ToArray();
            var (oRef, _) = AttentionReference.Forward(D(qv), D(kv), D(vv), D(maskv), localGate, s);
            AttentionTestData.AssertClose(oRef, o.ToArray(), Tolerance, "o");
            loss.Backward();

            var (dq, dk, dv, dg) = AttentionReference.Backward(D(qv), D(kv), D(vv), D(maskv), localGate, D(wv), s);
            AttentionTestData.AssertClose(dq, q.Grad!.ToArray(), Tolerance, "dq");
            AttentionTestData.AssertClose(dk, k.Grad!.ToArray(), Tolerance, "dk");
            AttentionTestData.AssertClose(dv, v.Grad!.ToArray(), Tolerance, "dv");
            var dGlobal = new double[h + 3];
            dg.CopyTo(dGlobal, offset);
            // dGate sums B*Tq*Tk terms of O(1): the float sum's absolute error is larger (as in the kernel tests).
            AttentionTestData.AssertClose(dGlobal, gate.Grad!.ToArray(), 1e-3, "d global gate");
        }
    }

    [Fact]
    public void KeysThatAreAlsoValuesGetBothGradients()
    {
        using var device = HostDevice();
        var s = AttentionShape.Create(1, 2, 3, 4, 3);
        var qv = RandomFloats(s.QueryElements, 7);
        var kv = RandomFloats(s.KeyElements, 8);
        var wv = RandomFloats(s.QueryElements, 9);
        using var q = Tensor.FromArray(device, qv, 1, 2, 3, 3);
        using var kvT = Tensor.FromArray(device, kv, 1, 2, 4, 3);
        using var w = Tensor.FromArray(device, wv, 1, 2, 3, 3);
        kvT.RequiresGrad = true;
        using (device.Scope())
        {
            Ops.Sum(Ops.Mul(Ops.Attention(q, kvT, kvT), w)).Backward();
            var (_, dk, dv, _) = AttentionReference.Backward(D(qv), D(kv), D(kv), null, null, D(wv), s);
            AttentionTestData.AssertClose(dk.Zip(dv, (a, c) => a + c).ToArray(), kvT.Grad!.ToArray(), Tolerance, "dk + dv");
        }
    }

    [Fact]
    public void BadShapesGiveErrorsNamingTheOp()
    {
        using var device = HostDevice();
        using var q = Tensor.Zeros(device, 1, 2, 3, 4);
        using var k = Tensor.Zeros(device, 1, 2, 5, 4);
        using var badGate = Tensor.Zeros(device, 3);
        using var badMask = Tensor.Zeros(device, 1, 4);
        using var scope = device.Scope();
        Assert.Contains("attention", Assert.ThrowsAny<Exception>(() => Ops.Attention(q, k, k, gate: badGate)).Message);
        Assert.Contains("attention", Assert.ThrowsAny<Exception>(() => Ops.Attention(q, k, k, keyMask: badMask)).Message);
        Assert.Contains("attention", Assert.ThrowsAny<Exception>(() => Ops.Attention(q, q.Reshape(1, 2, 4, 3), q)).Message);
    }

    [Fact]
    public void SelectRowsPicksAndAccumulates()
    {
        using var device = HostDevice();
        var xv = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        using var x = Tensor.FromArray(device, xv, 4, 3);
        x.RequiresGrad = true;
        using var scope = device.Scope();
        var y = Ops.SelectRows(x, [2, 2, 0, 1, 2]);
        Assert.Equal(new float[] { 6, 7, 8, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8 }, y.ToArray());
        Ops.Sum(y).Backward();
        Assert.Equal(new float[] { 1, 1, 1, 1, 1, 1, 3, 3, 3, 0, 0, 0 }, x.Grad!.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.SelectRows(x, [4]));
    }
}
