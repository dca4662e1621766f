using NativeDsp.Kernels.Ilgpu;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.AttentionTestData;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// The tiled ILGPU attention backward (kernels/Ilgpu/AttentionTiledBackward.cs: 32 query rows per group on the dQ side,
/// 32 key rows per group with query tiles of 16 on the dK/dV side) on ILGPU's CPU accelerator, against
/// <see cref="AttentionReference"/> (float64) and against the per-row kernels it replaces for D &lt;= 64. The shapes
/// span several row and key blocks with partial last ones: causal with Tq &lt; Tk (a cache offset) and Tq &gt; Tk (rows
/// that see no key, keys that no row before them sees), padding masks, a fully padded batch item, gates with a
/// pruned head (g = 0, whose dGate must stay exact), a decode step, D = 64. Gradients start at 0.25 so that a
/// kernel that overwrites instead of adding fails. Tolerances as <see cref="AttentionTests"/>: 1e-4 (absolute, or
/// relative above 1) for dQ, dK, dV; 1e-3 for dGate, a sum of B*Tq*Tk products.
/// </summary>
public sealed class AttentionTiledBackwardTests
{
    public static TheoryData<int, int, int, int, int, bool, bool, bool> Cases() => new()
    {
        { 1, 1, 40, 70, 8, true, true, true },   // causal, cache offset 30, two row blocks, three key blocks
        { 2, 2, 33, 35, 5, false, true, true },  // one row past a block, padding per batch item
        { 1, 2, 70, 40, 6, true, false, true },  // causal with Tq > Tk: the first 30 rows see nothing
        { 1, 1, 1, 65, 64, false, true, true },  // one decode step at D = 64, the tiled kernels' limit
        { 2, 3, 17, 18, 3, true, true, false },  // odd sizes below one block, no gate
    };

    static double[] Plus(double[] x, double c) => x.Select(v => v + c).ToArray();

    static (float[] O, float[] Lse, float[] DQ, float[] DK, float[] DV, float[]? DGate) Run(IlgpuKernels k, Inputs x, NativeDsp.Kernels.AttentionShape s, bool tiled)
    {
        k.TiledAttentionBackward = tiled;
        try
        {
            return RunKernel(k, x, s, 0.25f);
        }
        finally
        {
            k.TiledAttentionBackward = true;
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void BackwardMatchesReferenceAndPerRowKernels(int b, int h, int tq, int tk, int d, bool causal, bool mask, bool gate)
    {
        var c = new Case(b, h, tq, tk, d, causal, mask, gate);
        var x = MakeInputs(c, tq * 100 + tk + 7);
        // A pruned head (gate 0: its dQ, dK, dV vanish, its dGate does not) where another head stays live to be checked.
        if (gate && h > 1) x.Gate![h - 1] = 0;
        var s = c.Shape;
        var (dqRef, dkRef, dvRef, dgRef) = AttentionReference.Backward(x.Q, x.K, x.V, x.Mask, x.Gate, x.DO, s);
        var k = (IlgpuKernels)TestBackends.Get("ilgpu-cpu");
        var tiled = Run(k, x, s, true);
        var perRow = Run(k, x, s, false);
        foreach (var (name, r) in new[] { ("tiled", tiled), ("per-row", perRow) })
        {
            AssertClose(Plus(dqRef, 0.25), r.DQ, 1e-4, $"{name} {c} dQ");
            AssertClose(Plus(dkRef, 0.25), r.DK, 1e-4, $"{name} {c} dK");
            AssertClose(Plus(dvRef, 0.25), r.DV, 1e-4, $"{name} {c} dV");
            if (gate) AssertClose(Plus(dgRef, 0.25), r.DGate!, 1e-3, $"{name} {c} dGate");
        }
        // The two kernels against each other: both float32, same operations in a different order.
        AssertClose(perRow.DQ.Select(v => (double)v).ToArray(), tiled.DQ, 1e-4, $"tiled vs per-row {c} dQ");
        AssertClose(perRow.DK.Select(v => (double)v).ToArray(), tiled.DK, 1e-4, $"tiled vs per-row {c} dK");
        AssertClose(perRow.DV.Select(v => (double)v).ToArray(), tiled.DV, 1e-4, $"tiled vs per-row {c} dV");
    }

    [Fact]
    public void FullyPaddedItemGetsNoGradientAndNoNaN()
    {
        var c = new Case(2, 2, 35, 34, 7, false, true, true);
        var x = MakeInputs(c, 99);
        for (int j = 0; j < c.Tk; j++) x.Mask![j] = 0; // batch 0: every key is padding
        var s = c.Shape;
        var (dqRef, dkRef, dvRef, dgRef) = AttentionReference.Backward(x.Q, x.K, x.V, x.Mask, x.Gate, x.DO, s);
        var k = (IlgpuKernels)TestBackends.Get("ilgpu-cpu");
        var r = Run(k, x, s, true);
        foreach (var t in new[] { r.DQ, r.DK, r.DV, r.DGate! }) Assert.All(t, v => Assert.True(float.IsFinite(v)));
        int qb = c.H * c.Tq * c.D, kb = c.H * c.Tk * c.D;
        Assert.All(r.DQ.Take(qb), v => Assert.Equal(0.25f, v));
        Assert.All(r.DK.Take(kb), v => Assert.Equal(0.25f, v));
        Assert.All(r.DV.Take(kb), v => Assert.Equal(0.25f, v));
        AssertClose(Plus(dqRef, 0.25), r.DQ, 1e-4, "dQ");
        AssertClose(Plus(dkRef, 0.25), r.DK, 1e-4, "dK");
        AssertClose(Plus(dvRef, 0.25), r.DV, 1e-4, "dV");
        AssertClose(Plus(dgRef, 0.25), r.DGate!, 1e-3, "dGate");
    }
}
