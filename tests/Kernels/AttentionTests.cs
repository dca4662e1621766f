using NativeDsp.Kernels;
using NativeDsp.Tests.References;

namespace NativeDsp.Tests.Kernels;

using static AttentionTestData;

/// <summary>
/// The fused gated attention (<see cref="IKernels.AttentionForward"/>, <see cref="IKernels.AttentionBackward"/>)
/// on both backends against <see cref="AttentionReference"/>, plus the reference's own finite-difference check.
/// </summary>
public class AttentionTests
{
    /// <summary>
    /// Kernel (float32) vs reference (float64). Inputs are O(1) and rows have at most ~100 keys and 64 dims:
    /// each score carries ~D float roundings (~1e-6 relative), exp turns that into the same relative error
    /// on P, and a sum of Tk terms of size O(1/Tk) keeps it there; 1e-4 (absolute, or relative above 1)
    /// leaves ~50x headroom yet catches any wrong mask, scale, gate or index (those give errors >= 1e-2).
    /// </summary>
    const double Tolerance = 1e-4;

    /// <summary>Odd T and D, Tq != Tk both ways, causal with Tq &lt; Tk (a cached decode step), masks, gates.</summary>
    static IEnumerable<Case> Cases(string backend)
    {
        yield return new(2, 3, 5, 5, 4, false, false, false);
        yield return new(2, 3, 7, 7, 5, true, false, true);
        yield return new(2, 3, 6, 9, 8, false, true, true);   // cross attention, padding
        yield return new(2, 3, 9, 6, 3, false, true, false);  // more queries than keys
        yield return new(2, 3, 3, 8, 7, true, true, true);    // causal with Tq < Tk: cache offset 5
        yield return new(2, 3, 8, 5, 4, true, false, false);  // causal with Tq > Tk: first rows see nothing
        yield return new(2, 3, 1, 9, 6, true, true, true);    // one decode step
        if (!TestBackends.IsHost(backend)) yield break; // ILGPU's CPU accelerator is ~200x slower: small shapes only
        yield return new(1, 1, 70, 70, 64, true, true, true);  // few pairs: query chunks and dK/dV partials
        yield return new(3, 2, 37, 53, 20, false, true, true); // tiles plus vector and scalar tails
        yield return new(4, 4, 40, 40, 64, true, false, false); // many pairs: one item per (b, h)
        yield return new(2, 3, 17, 100, 33, false, true, true);
    }

    static double[] Plus(double[] x, double c) => x.Select(v => v + c).ToArray();

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void ForwardAndBackwardMatchReference(string backend)
    {
        var k = TestBackends.Get(backend);
        int seed = 1;
        foreach (var c in Cases(backend))
        {
            var s = c.Shape;
            var x = MakeInputs(c, seed++);
            var (oRef, lseRef) = AttentionReference.Forward(x.Q, x.K, x.V, x.Mask, x.Gate, s);
            var (dqRef, dkRef, dvRef, dgRef) = AttentionReference.Backward(x.Q, x.K, x.V, x.Mask, x.Gate, x.DO, s);
            const float initial = 0.25f;
            var r = RunKernel(k, x, s, initial);
            AssertClose(oRef, r.O, Tolerance, $"{c} O");
            AssertClose(lseRef, r.Lse, Tolerance, $"{c} lse");
            AssertClose(Plus(dqRef, initial), r.DQ, Tolerance, $"{c} dQ");
            AssertClose(Plus(dkRef, initial), r.DK, Tolerance, $"{c} dK");
            AssertClose(Plus(dvRef, initial), r.DV, Tolerance, $"{c} dV");
            // dGate sums B*Tq*Tk terms of O(1): allow the float sum's larger absolute error.
            if (x.Gate is not null) AssertClose(Plus(dgRef, initial), r.DGate!, 1e-3, $"{c} dGate");
        }
    }

    /// <summary>
    /// Regression: with few (b, h) pairs the Host kernel splits queries into chunks with private dK/dV
    /// partials from a pool. A chunk with no query rows (Tq = 70: 4 chunks of 32 rows) must still zero its
    /// partial; a previous call with the same key size (Tq = 128: all 4 chunks busy) leaves non-zero data
    /// in exactly that slot, so a missed clear shows up as a wrong dK/dV here.
    /// </summary>
    [Fact]
    public void HostEmptyQueryChunkDoesNotAddStalePartials()
    {
        var k = TestBackends.Host;
        var warm = new Case(1, 1, 128, 70, 64, false, false, true);
        RunKernel(k, MakeInputs(warm, 21), warm.Shape, 0f);
        var c = new Case(1, 1, 70, 70, 64, false, false, true);
        var x = MakeInputs(c, 22);
        var (dqRef, dkRef, dvRef, _) = AttentionReference.Backward(x.Q, x.K, x.V, x.Mask, x.Gate, x.DO, c.Shape);
        var r = RunKernel(k, x, c.Shape, 0f);
        AssertClose(dkRef, r.DK, Tolerance, "dK");
        AssertClose(dvRef, r.DV, Tolerance, "dV");
        AssertClose(dqRef, r.DQ, Tolerance, "dQ");
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void GateOfOneEqualsUngated(string backend)
    {
        var k = TestBackends.Get(backend);
        var c = new Case(2, 3, 7, 6, 5, true, true, true);
        var x = MakeInputs(c, 11);
        var gated = RunKernel(k, x with { Gate = [1, 1, 1] }, c.Shape, 0f);
        var plain = RunKernel(k, x with { Gate = null }, c.Shape, 0f);
        // The same float operations up to a multiplication by exactly 1: bit-for-bit on host, and within
        // float rounding of the fused multiply-adds on ILGPU.
        AssertClose(plain.O.Select(v => (double)v).ToArray(), gated.O, 1e-6, "O");
        AssertClose(plain.DQ.Select(v => (double)v).ToArray(), gated.DQ, 1e-6, "dQ");
        AssertClose(plain.DK.Select(v => (double)v).ToArray(), gated.DK, 1e-6, "dK");
        AssertClose(plain.DV.Select(v => (double)v).ToArray(), gated.DV, 1e-6, "dV");
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void GateOfZeroRemovesHeadButKeepsItsGateGradient(string backend)
    {
        var k = TestBackends.Get(backend);
        var c = new Case(2, 3, 6, 7, 4, false, true, true);
        var x = MakeInputs(c, 12) with { Gate = [0.7, 0, 1.3] };
        var s = c.Shape;
        var r = RunKernel(k, x, s, 0f);
        var (_, _, _, dgRef) = AttentionReference.Backward(x.Q, x.K, x.V, x.Mask, x.Gate, x.DO, s);
        for (int b = 0; b < c.B; b++)
        {
            int qh = (b * c.H + 1) * c.Tq * c.D, kh = (b * c.H + 1) * c.Tk * c.D;
            Assert.All(r.O.Skip(qh).Take(c.Tq * c.D), v => Assert.Equal(0f, v));
            Assert.All(r.DQ.Skip(qh).Take(c.Tq * c.D), v => Assert.Equal(0f, v));
            Assert.All(r.DK.Skip(kh).Take(c.Tk * c.D), v => Assert.Equal(0f, v));
            Assert.All(r.DV.Skip(kh).Take(c.Tk * c.D), v => Assert.Equal(0f, v));
        }
        Assert.True(Math.Abs(dgRef[1]) > 1e-2, "test data should give the pruned head a clearly non-zero gate gradient");
        AssertClose(dgRef, r.DGate!, 1e-3, "dGate");
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void FullyPaddedSequenceGivesZerosNotNaN(string backend)
    {
        var k = TestBackends.Get(backend);
        var c = new Case(2, 3, 5, 6, 4, false, true, true);
        var x = MakeInputs(c, 13);
        for (int j = 0; j < c.Tk; j++) x.Mask![j] = 0; // batch 0: every key is padding
        var s = c.Shape;
        var r = RunKernel(k, x, s, 0f);
        foreach (var t in new[] { r.O, r.DQ, r.DK, r.DV, r.DGate! }) Assert.All(t, v => Assert.True(float.IsFinite(v)));
        int qb = c.H * c.Tq * c.D, kb = c.H * c.Tk * c.D;
        Assert.All(r.O.Take(qb), v => Assert.Equal(0f, v));
        Assert.All(r.DQ.Take(qb), v => Assert.Equal(0f, v));
        Assert.All(r.DK.Take(kb), v => Assert.Equal(0f, v));
        Assert.All(r.DV.Take(kb), v => Assert.Equal(0f, v));
        Assert.All(r.Lse.Take(c.H * c.Tq), v => Assert.Equal(float.NegativeInfinity, v));
        // Batch 1 is untouched by batch 0's padding.
        var (oRef, _) = AttentionReference.Forward(x.Q, x.K, x.V, x.Mask, x.Gate, s);
        AssertClose(oRef, r.O, Tolerance, "O");
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void CausalDecodeStepSeesEveryCachedKey(string backend)
    {
        var k = TestBackends.Get(backend);
        var causal = new Case(2, 3, 1, 8, 5, true, false, true);
        var x = MakeInputs(causal, 14);
        var a = RunKernel(k, x, causal.Shape, 0f);
        var b = RunKernel(k, x, (causal with { Causal = false }).Shape, 0f);
        AssertClose(b.O.Select(v => (double)v).ToArray(), a.O, 1e-6, "O");
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void TooSmallBufferIsAClearError(string backend)
    {
        var k = TestBackends.Get(backend);
        var s = AttentionShape.Create(2, 3, 4, 5, 6);
        using var q = k.Allocate(s.QueryElements);
        using var kk = k.Allocate(s.KeyElements - 1);
        using var v = k.Allocate(s.KeyElements);
        using var o = k.Allocate(s.QueryElements);
        using var lse = k.Allocate(s.RowCount);
        var e = Assert.Throws<ArgumentException>(() => k.AttentionForward(q, kk, v, null, null, o, lse, s));
        Assert.Contains("AttentionForward", e.Message);
        Assert.Contains("Tk=5", e.Message);
    }
}
