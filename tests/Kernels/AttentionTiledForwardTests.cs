using NativeDsp.Kernels.Ilgpu;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.AttentionTestData;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// The tiled ILGPU attention forward (kernels/Ilgpu/AttentionTiledForward.cs: 32 query rows per group, keys in
/// tiles of 32) and the per-row kernel it replaces for D &lt;= 64, both on ILGPU's CPU accelerator against
/// <see cref="AttentionReference"/> on shapes that span several row blocks and key tiles with partial last ones:
/// causal with Tq &lt; Tk and Tq &gt; Tk (rows that see no key), padding masks, gates, a decode step, D = 64.
/// The backward pass runs on the forward's lse, so dQ is compared too. Tolerance as <see cref="AttentionTests"/>:
/// 1e-4 absolute, or relative above 1.
/// </summary>
public sealed class AttentionTiledForwardTests
{
    public static TheoryData<bool, int, int, int, int, int, bool, bool, bool> Cases()
    {
        var data = new TheoryData<bool, int, int, int, int, int, bool, bool, bool>();
        foreach (bool tiled in new[] { true, false })
        {
            data.Add(tiled, 1, 1, 40, 70, 8, true, true, true);   // causal, cache offset 30, two row blocks, three key tiles
            data.Add(tiled, 2, 2, 33, 35, 5, false, true, true);  // one row past a block, padding per batch item
            data.Add(tiled, 1, 2, 70, 40, 6, true, false, false); // causal with Tq > Tk: the first 30 rows see nothing
            data.Add(tiled, 1, 1, 1, 65, 64, false, true, true);  // one decode step at D = 64, the tiled kernel's limit
        }
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void ForwardMatchesReference(bool tiled, int b, int h, int tq, int tk, int d, bool causal, bool mask, bool gate)
    {
        var c = new Case(b, h, tq, tk, d, causal, mask, gate);
        var x = MakeInputs(c, tq * 100 + tk);
        var s = c.Shape;
        var (oRef, lseRef) = AttentionReference.Forward(x.Q, x.K, x.V, x.Mask, x.Gate, s);
        var (dqRef, _, _, _) = AttentionReference.Backward(x.Q, x.K, x.V, x.Mask, x.Gate, x.DO, s);
        var k = (IlgpuKernels)TestBackends.Get("ilgpu-cpu");
        k.TiledAttentionForward = tiled;
        try
        {
            var r = RunKernel(k, x, s, 0f);
            AssertClose(oRef, r.O, 1e-4, $"{(tiled ? "tiled" : "per-row")} {c} O");
            AssertClose(lseRef, r.Lse, 1e-4, $"{(tiled ? "tiled" : "per-row")} {c} lse");
            AssertClose(dqRef, r.DQ, 1e-4, $"{(tiled ? "tiled" : "per-row")} {c} dQ");
        }
        finally
        {
            k.TiledAttentionForward = true;
        }
    }
}
