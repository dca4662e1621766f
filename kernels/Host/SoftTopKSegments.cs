using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Kernels.Host;

// The segmented soft top-K: each relaxed segment is the single-vector kernel on its slices (SoftTopK.cs), the
// segments run in parallel (a budget per layer gives one independent relaxation per layer: 6 to 12 of them),
// each one on one thread, so every segment's result is bit-identical to a call of its own.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void SoftTopKSegmentsForward(DeviceBuffer<float> logits, DeviceBuffer<float>? noise, DeviceBuffer<float> mask,
                                        DeviceBuffer<double> saved, int units, IReadOnlyList<SoftTopKSegment> segments, double tau)
    {
        PruningChecks.SoftTopKSegmentsForward(logits, noise, mask, saved, units, segments, tau);
        var w = A(logits);
        var g = noise is null ? null : A(noise);
        var y = A(mask);
        var s = A(saved);
        var (offsets, _) = SoftTopKSegment.SavedLayout(segments);
        y.AsSpan(0, units).Fill(1f);
        foreach (var seg in segments)
            if (seg.K == 0) y.AsSpan(seg.Offset, seg.Count).Clear();
        var relaxed = Enumerable.Range(0, segments.Count).Where(i => segments[i].Relaxed).ToArray();
        EachSegment(segments, relaxed, i =>
        {
            var seg = segments[i];
            SoftTopKForward(w.AsSpan(seg.Offset, seg.Count), g is null ? default : g.AsSpan(seg.Offset, seg.Count),
                            y.AsSpan(seg.Offset, seg.Count), s.AsSpan((int)offsets[i], (int)SoftTopKLayout.SavedLength(seg.Count, seg.K)), seg.K, tau);
        });
    }

    /// <inheritdoc/>
    public void SoftTopKSegmentsBackward(DeviceBuffer<double> saved, DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits,
                                         int units, IReadOnlyList<SoftTopKSegment> segments, double tau)
    {
        PruningChecks.SoftTopKSegmentsBackward(saved, dmask, dlogits, units, segments, tau);
        var s = A(saved);
        var dm = A(dmask);
        var dw = A(dlogits);
        var (offsets, _) = SoftTopKSegment.SavedLayout(segments);
        var relaxed = Enumerable.Range(0, segments.Count).Where(i => segments[i].Relaxed).ToArray();
        EachSegment(segments, relaxed, i =>
        {
            var seg = segments[i];
            SoftTopKBackward(s.AsSpan((int)offsets[i], (int)SoftTopKLayout.SavedLength(seg.Count, seg.K)),
                             dm.AsSpan(seg.Offset, seg.Count), dw.AsSpan(seg.Offset, seg.Count), seg.K, tau);
        });
    }

    /// <summary>Runs <paramref name="body"/> for each relaxed segment, in parallel when there are several and their K H work is large.</summary>
    static void EachSegment(IReadOnlyList<SoftTopKSegment> segments, int[] relaxed, Action<int> body)
    {
        long work = relaxed.Sum(i => (long)segments[i].Count * segments[i].K);
        if (relaxed.Length < 2 || work < HostParallel.MinParallelWork)
            foreach (int i in relaxed) body(i);
        else
            Parallel.ForEach(relaxed, body);
    }
}
