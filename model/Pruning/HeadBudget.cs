namespace NativeDsp.Model.Pruning;

/// <summary>
/// How many heads survive: a global K over the model's whole head index (the paper's setting), or a K_l
/// per attention module (an option none of the reference implementations has: top-K is then taken inside
/// each module, and DSP relaxes each module's group separately).
/// </summary>
public sealed class HeadBudget
{
    readonly int[]? perModule;

    HeadBudget(int total, int[]? perModule)
    {
        Total = total;
        this.perModule = perModule;
    }

    /// <summary>K heads in all, wherever they are.</summary>
    public static HeadBudget Global(int k) => new(k, null);

    /// <summary>K_l heads in module l (in <see cref="HeadIndex.Groups"/> order); 0 empties a module.</summary>
    public static HeadBudget PerModule(params int[] k)
    {
        if (k.Length == 0 || k.Any(x => x < 0)) throw new ArgumentException($"head budget: per-module counts must be >= 0 and at least one, got [{string.Join(", ", k)}]");
        return new(k.Sum(), (int[])k.Clone());
    }

    /// <summary>
    /// <paramref name="k"/> heads split over the modules in proportion to their sizes (largest remainder,
    /// earlier modules first on ties), e.g. 6 heads over 4 modules of 4 = [2, 2, 1, 1].
    /// </summary>
    public static HeadBudget SplitPerModule(HeadIndex index, int k)
    {
        CheckTotal(index, k);
        var groups = index.Groups;
        var share = groups.Select(g => (double)k * g.Count / index.Count).ToArray();
        var counts = share.Select(s => (int)Math.Floor(s)).ToArray();
        int left = k - counts.Sum();
        foreach (int i in Enumerable.Range(0, groups.Count).OrderByDescending(i => share[i] - counts[i]).ThenBy(i => i).Take(left)) counts[i]++;
        return PerModule(counts);
    }

    /// <summary>A fraction of all heads (at least 1), e.g. 0.25 = K = 25% of heads, global or split per module.</summary>
    public static HeadBudget Fraction(HeadIndex index, double fraction, bool perModule = false)
    {
        if (!(fraction > 0 && fraction <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "head budget: the fraction of heads kept must be in (0, 1]");
        int k = Math.Max(1, (int)Math.Round(fraction * index.Count));
        return perModule ? SplitPerModule(index, k) : Global(k);
    }

    /// <summary>Heads kept in all.</summary>
    public int Total { get; }

    /// <summary>True when each attention module has its own K.</summary>
    public bool IsPerModule => perModule is not null;

    /// <summary>The per-module counts, or null for a global budget.</summary>
    public IReadOnlyList<int>? Modules => perModule;

    /// <summary>Checks the budget against <paramref name="index"/>; throws naming the misfit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">K is outside [1, index.Count].</exception>
    /// <exception cref="ArgumentException">The per-module counts do not match the modules, or ask a module for more heads than it has.</exception>
    public void Validate(HeadIndex index)
    {
        CheckTotal(index, Total);
        if (perModule is null) return;
        if (perModule.Length != index.Groups.Count)
            throw new ArgumentException($"head budget: {perModule.Length} per-module counts for {index.Groups.Count} attention modules");
        for (int i = 0; i < perModule.Length; i++)
            if (perModule[i] > index.Groups[i].Count)
                throw new ArgumentException($"head budget: {perModule[i]} heads asked of {index.Groups[i].Name}, which has {index.Groups[i].Count}");
    }

    static void CheckTotal(HeadIndex index, int k)
    {
        if (k < 1 || k > index.Count) throw new ArgumentOutOfRangeException(nameof(k), k, $"head budget: K must be in [1, {index.Count}] (the model's heads), got {k}");
    }

    /// <summary>"K=N" or "K=N per module [k0,k1,...]".</summary>
    public override string ToString() => perModule is null ? $"K={Total}" : $"K={Total} per module [{string.Join(",", perModule)}]";
}
