namespace NativeDsp.Engine;

/// <summary>
/// The broadcasts the kernels support (<see cref="Kernels.IKernels.Binary"/>: b[(i / inner) % period]):
/// the smaller shape, right-aligned against the larger, keeps one contiguous block of dims equal to the
/// larger's and is 1 everywhere else. That covers a bias over leading dims ([d] against [B, T, d]), a
/// per-row factor ([B, T, 1] against [B, T, d]) and a per-head gate ([H, 1, 1] against [B, H, T, D]).
/// </summary>
public readonly record struct Broadcast(int Period, int Inner)
{
    /// <summary>How <paramref name="small"/> repeats over <paramref name="big"/>, or null when it cannot.</summary>
    public static Broadcast? TryResolve(Shape big, Shape small)
    {
        if (big == small) return new Broadcast(big.Count, 1);
        if (small.Rank > big.Rank) return null;
        int offset = big.Rank - small.Rank;
        int first = -1, last = -1;
        for (int j = 0; j < small.Rank; j++)
        {
            if (small[j] == 1) continue;
            if (small[j] != big[offset + j]) return null;
            if (first < 0) first = j;
            last = j;
        }
        if (first < 0) return new Broadcast(1, 1); // a single value over everything
        for (int j = first; j <= last; j++)
            if (small[j] != big[offset + j]) return null; // a 1 inside the block would need a gap in the repeat
        return new Broadcast(small.Count, big.Product(offset + last + 1, big.Rank));
    }
}
