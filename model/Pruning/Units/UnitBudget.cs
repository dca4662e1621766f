namespace NativeDsp.Model.Pruning.Units;

/// <summary>One range of unit ids in which exactly <see cref="K"/> units survive (a top-K is taken inside it).</summary>
/// <param name="Offset">The first unit id.</param>
/// <param name="Count">Units in the range.</param>
/// <param name="K">Units kept in the range, in [0, Count].</param>
public readonly record struct BudgetSegment(int Offset, int Count, int K);

/// <summary>Which cost a budget is stated in.</summary>
public enum UnitCost
{
    /// <summary>Parameters (what the pruned checkpoint holds).</summary>
    Parameters,
    /// <summary>Forward FLOP per token at a stated sequence length.</summary>
    Flops,
}

/// <summary>
/// How many units survive, always as exact counts over ranges of unit ids (<see cref="Segments"/>), which is
/// what DSP's soft top-K and every method's final top-K need:
/// <list type="bullet">
/// <item><see cref="Global"/>: K units over the whole index (one segment; meant for one kind, e.g. heads only: the paper's setting);</item>
/// <item><see cref="PerKind"/>: K per kind (a segment per kind: e.g. 24 heads and 3,000 neurons);</item>
/// <item><see cref="PerGroup"/>: K per group (per module / per layer);</item>
/// <item><see cref="FromCost"/>: a budget in parameters or FLOP turned into per-kind counts.</item>
/// </list>
/// </summary>
public sealed class UnitBudget
{
    readonly BudgetSegment[] segments;

    UnitBudget(BudgetSegment[] segments, string description)
    {
        this.segments = segments;
        Description = description;
    }

    /// <summary>The ranges and their exact counts, in id order, non-overlapping.</summary>
    public IReadOnlyList<BudgetSegment> Segments => segments;

    /// <summary>Units kept in all.</summary>
    public int Total => segments.Sum(s => s.K);

    /// <summary>What the budget was stated as, e.g. "K=24" or "2.5M parameters".</summary>
    public string Description { get; }

    /// <summary>K units kept over all of <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">K is outside [1, index.Count].</exception>
    public static UnitBudget Global(UnitIndex index, int k)
    {
        if (k < 1 || k > index.Count) throw new ArgumentOutOfRangeException(nameof(k), k, $"unit budget: K must be in [1, {index.Count}] (the units of {index}), got {k}");
        return new([new BudgetSegment(0, index.Count, k)], $"K={k}");
    }

    /// <summary>K units kept of each listed kind; a kind of the index that is not listed keeps all its units.</summary>
    /// <exception cref="ArgumentException">A kind is not in the index, or listed twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A K is outside [0, units of the kind].</exception>
    public static UnitBudget PerKind(UnitIndex index, params (UnitKind Kind, int K)[] counts)
    {
        if (counts.Select(c => c.Kind).Distinct().Count() != counts.Length) throw new ArgumentException("unit budget: a kind is listed twice");
        var segs = new List<BudgetSegment>();
        foreach (var kind in index.Kinds.Kinds())
        {
            var (offset, count) = index.Range(kind);
            int k = count;
            foreach (var c in counts.Where(c => c.Kind == kind))
            {
                if (c.K < 0 || c.K > count) throw new ArgumentOutOfRangeException(nameof(counts), c.K, $"unit budget: {c.Kind} K must be in [0, {count}], got {c.K}");
                k = c.K;
            }
            if (count > 0) segs.Add(new BudgetSegment(offset, count, k));
        }
        foreach (var c in counts)
            if (!index.Kinds.Has(c.Kind)) throw new ArgumentException($"unit budget: {c.Kind} units are not in {index}");
        return new(segs.ToArray(), string.Join(" + ", counts.Select(c => $"{c.K} {Plural(c.Kind)}")));
    }

    /// <summary>K_g units kept in group g (in <see cref="UnitIndex.Groups"/> order).</summary>
    /// <exception cref="ArgumentException">The count does not match the groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A K_g is outside [0, group size].</exception>
    public static UnitBudget PerGroup(UnitIndex index, params int[] k)
    {
        if (k.Length != index.Groups.Count) throw new ArgumentException($"unit budget: {k.Length} per-group counts for {index.Groups.Count} groups");
        var segs = new BudgetSegment[k.Length];
        for (int i = 0; i < k.Length; i++)
        {
            var g = index.Groups[i];
            if (k[i] < 0 || k[i] > g.Count) throw new ArgumentOutOfRangeException(nameof(k), k[i], $"unit budget: {g.Name} keeps {k[i]} of its {g.Count} units");
            segs[i] = new BudgetSegment(g.Offset, g.Count, k[i]);
        }
        return new(segs, $"K per group [{string.Join(",", k)}]");
    }

    /// <summary>
    /// A budget of <paramref name="kept"/> units of cost (parameters, or forward FLOP per token at
    /// <paramref name="sequenceLength"/>) over the prunable units, as exact counts per kind. Our choice (no
    /// reference fixes it): every kind keeps the same fraction f of its units, the largest f whose counts fit the
    /// budget, so no kind is favoured before learning; a method that should trade heads against neurons learns the
    /// scores within each kind.
    /// <para>
    /// Rounding rule: kind k keeps round(f n_k) of its n_k units (half away from zero), so a budget is met in whole
    /// units: the kept cost never exceeds the budget and falls short of it by less than one more step of f (at most one
    /// unit of each kind). Blocks are coarse (one per layer and kind: 6 of each in MiniLM), so a blocks-only budget can
    /// fall well short (a sixth of the blocks' parameters per step): <see cref="KeptCost"/> says what the counts keep,
    /// and a run reports what the pruned model kept. A budget below the cheapest step keeps no unit and is refused.
    /// With a block kind and its heads / neurons both selected, the costs are disjoint (<see cref="UnitIndex"/>) and
    /// the heads / neurons kept are capped at what the kept blocks hold in the worst case (the K_b blocks holding
    /// fewest), so that <see cref="UnitSelection.TopK"/> can place all of them inside kept blocks and the model keeps
    /// exactly <see cref="KeptCost"/>.
    /// </para>
    /// </summary>
    /// <param name="index">The units.</param>
    /// <param name="kept">The cost to keep over the index's units (not counting the rest of the model).</param>
    /// <param name="cost">Parameters or FLOP.</param>
    /// <param name="sequenceLength">Keys per query for FLOP (ignored for parameters).</param>
    /// <exception cref="ArgumentOutOfRangeException">The budget keeps no unit or exceeds what the units cost.</exception>
    public static UnitBudget FromCost(UnitIndex index, double kept, UnitCost cost, int sequenceLength = 128)
    {
        var unitCost = cost == UnitCost.Parameters ? index.ParameterCosts().Select(c => (double)c).ToArray() : index.FlopCosts(sequenceLength);
        var kinds = index.Kinds.Kinds().Where(k => index.Range(k).Count > 0).ToArray();
        double total = unitCost.Sum();
        if (!(kept > 0) || kept > total * (1 + 1e-12))
            throw new ArgumentOutOfRangeException(nameof(kept), kept, $"unit budget: the kept {cost} must be in (0, {total:0}] (what the units of {index} cost)");
        var perUnit = kinds.Select(k => index.GroupsOf(k).Average(g => cost == UnitCost.Parameters ? g.ParametersPerUnit : g.FlopsPerToken(sequenceLength))).ToArray();
        // For a kind nested in a selected block kind: the units the k blocks holding fewest of them hold, k = 0..blocks.
        var capacity = kinds.Select(k => NestedCapacity(index, k)).ToArray();
        int[] CountsAt(double f)
        {
            var counts = kinds.Select(k => (int)Math.Round(f * index.Range(k).Count, MidpointRounding.AwayFromZero)).ToArray();
            for (int i = 0; i < kinds.Length; i++)
                if (capacity[i] is { } cap)
                {
                    int blocks = counts[Array.IndexOf(kinds, kinds[i] == UnitKind.Head ? UnitKind.AttentionBlock : UnitKind.FfnBlock)];
                    counts[i] = Math.Min(counts[i], cap[blocks]);
                }
            return counts;
        }
        double CostOf(int[] counts) => counts.Select((c, i) => c * perUnit[i]).Sum();
        double lo = 0, hi = 1;
        for (int it = 0; it < 60; it++)
        {
            double mid = (lo + hi) / 2;
            if (CostOf(CountsAt(mid)) <= kept) lo = mid; else hi = mid;
        }
        var counts = CountsAt(lo);
        if (counts.Sum() == 0) throw new ArgumentOutOfRangeException(nameof(kept), kept, $"unit budget: {kept:0} {cost} keeps no unit of {index}; raise it");
        var budget = PerKind(index, kinds.Select((k, i) => (k, counts[i])).ToArray());
        double keptCost = CostOf(counts);
        string unit = cost.ToString().ToLowerInvariant();
        return new(budget.segments, $"{kept:0} {unit} asked, {keptCost:0} kept by whole units ({budget.Description})") { KeptCost = keptCost, Cost = cost };
    }

    /// <summary>
    /// For heads with attention blocks selected (neurons with FFN blocks): entry k is the fewest heads (neurons) any k
    /// of the blocks hold; null when <paramref name="kind"/> is not nested in a selected block kind.
    /// </summary>
    static int[]? NestedCapacity(UnitIndex index, UnitKind kind)
    {
        var blockKind = kind switch { UnitKind.Head => UnitKind.AttentionBlock, UnitKind.Neuron => UnitKind.FfnBlock, _ => (UnitKind?)null };
        if (blockKind is not { } block || index.Range(block).Count == 0) return null;
        var held = index.GroupsOf(block).Select(b => index.GroupsOf(kind).Where(g => g.Name == b.Name).Sum(g => g.Count)).Order().ToArray();
        var cap = new int[held.Length + 1];
        for (int k = 0; k < held.Length; k++) cap[k + 1] = cap[k] + held[k];
        return cap;
    }

    /// <summary>
    /// For a budget from <see cref="FromCost"/>: the cost its counts keep (per kind, count x the kind's mean unit cost;
    /// exact when a kind's units cost the same, as heads, neurons and the blocks of an unpruned model do), at most the
    /// budget asked; null for budgets given as counts.
    /// </summary>
    public double? KeptCost { get; private init; }

    /// <summary>For a budget from <see cref="FromCost"/>: what <see cref="KeptCost"/> is counted in; null otherwise.</summary>
    public UnitCost? Cost { get; private init; }

    static string Plural(UnitKind kind) => kind switch
    {
        UnitKind.Head => "heads",
        UnitKind.Neuron => "neurons",
        UnitKind.AttentionBlock => "attention blocks",
        _ => "FFN blocks",
    };

    /// <summary>Throws unless the segments lie inside <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentException">A segment reaches beyond the index (the budget was made for another index).</exception>
    public void Validate(UnitIndex index)
    {
        foreach (var s in segments)
            if (s.Offset < 0 || s.Offset + s.Count > index.Count || s.K < 0 || s.K > s.Count)
                throw new ArgumentException($"unit budget: segment [{s.Offset}, {s.Offset + s.Count}) K={s.K} does not fit {index}");
    }

    /// <summary>The description, e.g. "K=24".</summary>
    public override string ToString() => Description;
}
