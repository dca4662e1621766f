namespace NativeDsp.Kernels.Pruning;

/// <summary>
/// One range of units [<see cref="Offset"/>, Offset + <see cref="Count"/>) of a segmented soft top-K
/// (<see cref="IKernels.SoftTopKSegmentsForward"/>) keeping <see cref="K"/> of them: relaxed when 0 &lt; K &lt; Count,
/// the constant gate 0 when K = 0 and 1 when K = Count (exactly what the hard top-K keeps, with zero gradient).
/// </summary>
/// <param name="Offset">The first unit.</param>
/// <param name="Count">Units in the range, &gt;= 0.</param>
/// <param name="K">Units kept, in [0, Count].</param>
public readonly record struct SoftTopKSegment(int Offset, int Count, int K)
{
    /// <summary>Whether the segment is relaxed (0 &lt; K &lt; Count) rather than a constant gate.</summary>
    public bool Relaxed => K > 0 && K < Count;

    /// <summary>
    /// Where each relaxed segment's saved buffer (<see cref="SoftTopKLayout.SavedLength"/> of its Count and K) starts
    /// inside the segmented op's one saved buffer (-1 for a constant segment), and the doubles it needs in all.
    /// </summary>
    public static (long[] Offsets, long Length) SavedLayout(IReadOnlyList<SoftTopKSegment> segments)
    {
        var offsets = new long[segments.Count];
        long at = 0;
        for (int i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            if (!s.Relaxed) { offsets[i] = -1; continue; }
            offsets[i] = at;
            at += SoftTopKLayout.SavedLength(s.Count, s.K);
        }
        return (offsets, at);
    }
}
