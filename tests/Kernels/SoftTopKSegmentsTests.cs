using NativeDsp.Kernels;
using NativeDsp.Kernels.Pruning;
using static NativeDsp.Tests.Kernels.PruningTestData;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// The segmented soft top-K (a budget per layer or per kind): every relaxed segment gives bit for bit what a call
/// of the single-vector kernel on its slice gives (forward and backward), whether the segments ran in parallel or
/// not; K = 0 gives 0, K = Count and the uncovered units 1, with no gradient.
/// </summary>
public class SoftTopKSegmentsTests
{
    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void EachSegmentIsTheSingleVectorKernelOnItsSlice(string backend)
    {
        var k = TestBackends.Get(backend);
        bool host = TestBackends.IsHost(backend);
        // Host: six "layers" of 1,536 units with K = 25% of each (parallel, checkpointed) plus a gap, K = 0 and K = all;
        // the CPU accelerator: small segments (its barriers cost ~ms).
        int layer = host ? 1536 : 13;
        var segments = new List<SoftTopKSegment>();
        int at = 3; // units 0-2 lie outside every segment
        foreach (int kl in new[] { layer / 4, layer / 2, 0, layer, 1, layer - 1 })
        {
            segments.Add(new SoftTopKSegment(at, layer, kl));
            at += layer;
        }
        int units = at + 2; // two more uncovered units at the end
        double tau = 0.7;
        var w = Normal(units, 1.0, seed: 41);
        var g = Gumbel(units, 42);
        var dmask = Normal(units, 1.0, seed: 43);
        var start = Normal(units, 1.0, seed: 44);

        using var wb = Upload(k, w);
        using var gb = Upload(k, g);
        using var mask = k.Allocate(units);
        using var saved = k.AllocateDouble((int)SoftTopKSegment.SavedLayout(segments).Length);
        using var dm = Upload(k, dmask);
        using var dw = Upload(k, start);
        k.SoftTopKSegmentsForward(wb, gb, mask, saved, units, segments, tau);
        k.SoftTopKSegmentsBackward(saved, dm, dw, units, segments, tau);
        var got = mask.ToArray();
        var grad = dw.ToArray();

        var covered = new bool[units];
        foreach (var s in segments)
        {
            for (int i = s.Offset; i < s.Offset + s.Count; i++) covered[i] = true;
            var part = got.AsSpan(s.Offset, s.Count).ToArray();
            var partGrad = grad.AsSpan(s.Offset, s.Count).ToArray();
            if (!s.Relaxed)
            {
                Assert.All(part, x => Assert.Equal(s.K == 0 ? 0f : 1f, x));
                Assert.Equal(start.AsSpan(s.Offset, s.Count).ToArray(), partGrad);
                continue;
            }
            using var ws = Upload(k, w.AsSpan(s.Offset, s.Count).ToArray());
            using var gs = Upload(k, g.AsSpan(s.Offset, s.Count).ToArray());
            using var ms = k.Allocate(s.Count);
            using var ss = k.AllocateDouble((int)SoftTopKLayout.SavedLength(s.Count, s.K));
            using var dms = Upload(k, dmask.AsSpan(s.Offset, s.Count).ToArray());
            using var dws = Upload(k, start.AsSpan(s.Offset, s.Count).ToArray());
            k.SoftTopKForward(ws, gs, ms, ss, s.Count, s.K, tau);
            k.SoftTopKBackward(ss, dms, dws, s.Count, s.K, tau);
            Assert.Equal(ms.ToArray(), part);
            Assert.Equal(dws.ToArray(), partGrad);
        }
        for (int i = 0; i < units; i++)
            if (!covered[i])
            {
                Assert.Equal(1f, got[i]);
                Assert.Equal(start[i], grad[i]);
            }
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void RejectsBadSegments(string backend)
    {
        var k = TestBackends.Get(backend);
        using var w = k.Allocate(8);
        using var mask = k.Allocate(8);
        using var saved = k.AllocateDouble(200);
        foreach (var bad in new SoftTopKSegment[][]
        {
            [new(0, 4, 2), new(3, 4, 2)], // overlap
            [new(4, 4, 2), new(0, 4, 2)], // out of order
            [new(6, 4, 2)],               // beyond the units
            [new(0, 4, 5)],               // K > Count
            [new(0, 4, -1)],
        })
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => k.SoftTopKSegmentsForward(w, null, mask, saved, 8, bad, 1.0));
            Assert.Contains(nameof(IKernels.SoftTopKSegmentsForward), e.Message);
        }
        using var shortSaved = k.AllocateDouble(3);
        Assert.Contains("saved", Assert.ThrowsAny<ArgumentException>(() => k.SoftTopKSegmentsForward(w, null, mask, shortSaved, 8, [new(0, 8, 3)], 1.0)).Message);
        Assert.Contains(nameof(IKernels.SoftTopKSegmentsBackward), Assert.ThrowsAny<ArgumentException>(() => k.SoftTopKSegmentsBackward(saved, mask, w, 8, [new(0, 8, 3)], 0.0)).Message);
    }
}
