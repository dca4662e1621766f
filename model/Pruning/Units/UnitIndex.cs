using NativeDsp.Engine;
using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// The global numbering of a model's prunable units of the selected kinds, so that a pruner holds one gate /
/// score vector over heads, FFN neurons and blocks alike. Layout: the kinds in <see cref="UnitKind"/> order,
/// each kind contiguous; heads exactly as the model's <see cref="HeadIndex"/> (so a heads-only unit index and
/// the head index share ids); neurons FFN by FFN in layer order; one unit per attention block, then per FFN
/// block, in layer order (removed branches are left out). Building the index tells every module where its
/// slice of its kind's gate starts (<see cref="MultiHeadAttention.HeadOffset"/>, <see cref="FeedForward.NeuronOffset"/>,
/// <see cref="IResidualBranch.BlockOffset"/>). An index describes the model at the time it was built.
/// <para>
/// Costs when a block and its own units are both selected (heads + attention blocks, neurons + FFN blocks): a
/// head's or neuron's parameters belong to it, and the block costs only what removing it removes beyond them, its
/// output bias (out_proj's, fc2's: d), which no head or neuron owns. So every parameter of the selected modules is
/// counted once (<see cref="PrunableParameters"/> is what they hold), a parameter budget splits over disjoint costs,
/// and the parameters a keep mask leaves (<see cref="KeptParameters"/>) are exactly what <see cref="UnitPruning.Apply"/>
/// leaves: a removed block takes its heads / neurons with it whatever their own mask says
/// (<see cref="ContainerOf"/>, <see cref="Survivors"/>). We chose this over refusing the mix because SNIP's residual
/// modules are heads and whole blocks together (Lin et al. 2020), and over costing a block at its full size because
/// then the block's heads are counted twice: a budget of half the parameters would keep about a quarter. A selected
/// block alone (no heads / neurons selected) costs its whole module. In a pre-LN layer the LayerNorm in front of a
/// branch is read by that branch alone and goes with it (<see cref="BranchInputNorm"/>), so it is part of the block's
/// cost (its own parameters, beside the output bias); a post-LN layer still applies its LayerNorm to x when the branch
/// is removed, so there it is no block's cost.
/// </para>
/// </summary>
public sealed class UnitIndex
{
    readonly UnitGroup[] groups;
    readonly int[] groupOf;
    readonly int[] containerOf;
    readonly (int Offset, int Count)[] kindRange;

    UnitIndex(UnitKinds kinds, UnitGroup[] groups, (int, int)[] kindRange, HeadIndex heads, object model)
    {
        Kinds = kinds;
        this.groups = groups;
        this.kindRange = kindRange;
        Heads = heads;
        Model = model;
        Count = groups.Sum(g => g.Count);
        groupOf = new int[Count];
        for (int i = 0; i < groups.Length; i++)
            for (int u = 0; u < groups[i].Count; u++) groupOf[groups[i].Offset + u] = i;
        containerOf = new int[Count];
        Array.Fill(containerOf, -1);
        foreach (var g in groups)
        {
            UnitKind? blockKind = g.Kind switch { UnitKind.Head => UnitKind.AttentionBlock, UnitKind.Neuron => UnitKind.FfnBlock, _ => null };
            if (blockKind is { } kind && groups.FirstOrDefault(b => b.Kind == kind && b.Name == g.Name) is { } block)
                Array.Fill(containerOf, block.Offset, g.Offset, g.Count);
        }
    }

    /// <summary>
    /// Indexes <paramref name="model"/>'s current units of <paramref name="kinds"/> in the documented layout,
    /// and sets each module's gate offsets. <paramref name="model"/>'s head index is used as it is.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="kinds"/> is empty.</exception>
    public static UnitIndex Build(IUnitPrunable model, UnitKinds kinds)
    {
        if (kinds == UnitKinds.None) throw new ArgumentException("unit index: select at least one kind of unit (heads, neurons, attention blocks, FFN blocks)");
        var heads = model.HeadIndex;
        var groups = new List<UnitGroup>();
        var ranges = new (int, int)[Enum.GetValues<UnitKind>().Length];
        int offset = 0;
        var attention = heads.Groups.Select(g => (g.Name, g.Layer, g.Module)).Where(m => !m.Module.BranchRemoved).ToList();
        var ffns = model.FeedForwardModules().Where(m => !m.Module.BranchRemoved).ToList();
        foreach (var kind in kinds.Kinds())
        {
            int start = offset;
            switch (kind)
            {
                case UnitKind.Head:
                    foreach (var g in heads.Groups)
                    {
                        long d = g.Module.ModelDim, hd = g.Module.HeadDim;
                        groups.Add(new UnitGroup(g.Name, UnitKind.Head, g.Layer, offset, offset - start, g.Count, 4 * d * hd + 3 * hd, 8 * d * hd, 4 * hd));
                        if (g.Offset != offset - start) throw new InvalidOperationException("unit index: heads must keep their head-index ids");
                        offset += g.Count;
                    }
                    break;
                case UnitKind.Neuron:
                    foreach (var (name, layer, ffn) in ffns)
                    {
                        long d = ffn.Fc1.InFeatures;
                        ffn.NeuronOffset = offset - start;
                        groups.Add(new UnitGroup(name, UnitKind.Neuron, layer, offset, offset - start, ffn.Neurons, 2 * d + 1, 4 * d, 0));
                        offset += ffn.Neurons;
                    }
                    break;
                case UnitKind.AttentionBlock:
                    foreach (var (name, layer, mha) in attention)
                    {
                        mha.BlockOffset = offset - start;
                        long d = mha.ModelDim, inner = (long)mha.Heads * mha.HeadDim;
                        // With heads selected, the block costs its out_proj bias alone (its heads are costed as heads).
                        groups.Add(kinds.Has(UnitKind.Head)
                            ? new UnitGroup(name, UnitKind.AttentionBlock, layer, offset, offset - start, 1, mha.OwnParameters, mha.OwnParameters, 0)
                            : new UnitGroup(name, UnitKind.AttentionBlock, layer, offset, offset - start, 1, mha.BranchParameters, 8 * d * inner + mha.OwnParameters, 4 * inner));
                        offset++;
                    }
                    break;
                case UnitKind.FfnBlock:
                    foreach (var (name, layer, ffn) in ffns)
                    {
                        ffn.BlockOffset = offset - start;
                        long d = ffn.Fc1.InFeatures;
                        // With neurons selected, the block costs its fc2 bias alone (its neurons are costed as neurons).
                        groups.Add(kinds.Has(UnitKind.Neuron)
                            ? new UnitGroup(name, UnitKind.FfnBlock, layer, offset, offset - start, 1, ffn.OwnParameters, ffn.OwnParameters, 0)
                            : new UnitGroup(name, UnitKind.FfnBlock, layer, offset, offset - start, 1, ffn.BranchParameters, 4 * d * ffn.Neurons + ffn.OwnParameters, 0));
                        offset++;
                    }
                    break;
            }
            ranges[(int)kind] = (start, offset - start);
        }
        return new UnitIndex(kinds, groups.ToArray(), ranges, heads, model);
    }

    /// <summary>
    /// The global id of the block unit whose removal also removes <paramref name="unit"/> (a head's attention block,
    /// a neuron's FFN block), or -1 when that block kind is not selected or the unit is a block.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is outside [0, Count).</exception>
    public int ContainerOf(int unit)
    {
        _ = Locate(unit);
        return containerOf[unit];
    }

    /// <summary>
    /// The units that survive physical pruning with <paramref name="keep"/> (<see cref="UnitPruning.Apply"/>): kept,
    /// and inside a kept block (<see cref="ContainerOf"/>), [Count].
    /// </summary>
    /// <exception cref="ArgumentException">The mask does not have one entry per unit.</exception>
    public bool[] Survivors(bool[] keep)
    {
        CheckKeep(keep);
        var alive = new bool[Count];
        for (int u = 0; u < Count; u++) alive[u] = keep[u] && (containerOf[u] < 0 || keep[containerOf[u]]);
        return alive;
    }

    /// <summary>The parameters the selected units hold, each counted once (see the class summary): what a parameter budget is a share of.</summary>
    public long PrunableParameters => groups.Sum(g => g.ParametersPerUnit * g.Count);

    /// <summary>The kinds this index covers.</summary>
    public UnitKinds Kinds { get; }

    /// <summary>Units in all.</summary>
    public int Count { get; }

    /// <summary>The model's head index at build time (head unit ids equal its ids).</summary>
    public HeadIndex Heads { get; }

    /// <summary>The model the index was built over (checked by <see cref="IUnitPrunable.PruneUnits"/>).</summary>
    public object Model { get; }

    /// <summary>The groups in layout order.</summary>
    public IReadOnlyList<UnitGroup> Groups => groups;

    /// <summary>The groups of one kind, in layer order.</summary>
    public IEnumerable<UnitGroup> GroupsOf(UnitKind kind) => groups.Where(g => g.Kind == kind);

    /// <summary>The global ids [Offset, Offset + Count) of <paramref name="kind"/>'s units; (0, 0) when the kind is not selected.</summary>
    public (int Offset, int Count) Range(UnitKind kind) => kindRange[(int)kind];

    /// <summary>The group holding unit <paramref name="unit"/> and the unit's number inside it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is outside [0, Count).</exception>
    public (UnitGroup Group, int Local) Locate(int unit)
    {
        if (unit < 0 || unit >= Count) throw new ArgumentOutOfRangeException(nameof(unit), $"unit index: unit {unit} is outside [0, {Count})");
        var g = groups[groupOf[unit]];
        return (g, unit - g.Offset);
    }

    /// <summary>The kind of unit <paramref name="unit"/>.</summary>
    public UnitKind KindOf(int unit) => Locate(unit).Group.Kind;

    /// <summary>A readable name, e.g. "encoder.layers.2.ffn neuron 17" or "encoder.layers.0.self_attn block".</summary>
    public string Describe(int unit)
    {
        var (g, local) = Locate(unit);
        return g.Kind switch
        {
            UnitKind.Head => Heads.Describe(unit),
            UnitKind.Neuron => $"{g.Name} neuron {local}",
            _ => $"{g.Name} block",
        };
    }

    /// <summary>Parameters each unit holds (what removing it saves), [Count].</summary>
    public long[] ParameterCosts()
    {
        var cost = new long[Count];
        foreach (var g in groups) Array.Fill(cost, g.ParametersPerUnit, g.Offset, g.Count);
        return cost;
    }

    /// <summary>Forward FLOP per token each unit costs at sequence length <paramref name="keys"/>, [Count].</summary>
    public double[] FlopCosts(int keys)
    {
        var cost = new double[Count];
        foreach (var g in groups) Array.Fill(cost, g.FlopsPerToken(keys), g.Offset, g.Count);
        return cost;
    }

    /// <summary>
    /// The parameters physical pruning with <paramref name="keep"/> removes (<see cref="UnitPruning.Apply"/>): the costs
    /// of the units that do not survive (<see cref="Survivors"/>: a removed block's heads / neurons go with it).
    /// </summary>
    /// <exception cref="ArgumentException">The mask does not have one entry per unit.</exception>
    public long RemovedParameters(bool[] keep) => PrunableParameters - KeptParameters(keep);

    /// <summary>
    /// The parameters of the selected units that survive physical pruning with <paramref name="keep"/>: the pruned
    /// model's parameter count minus what the units never held (the budget a run achieved).
    /// </summary>
    /// <exception cref="ArgumentException">The mask does not have one entry per unit.</exception>
    public long KeptParameters(bool[] keep)
    {
        var alive = Survivors(keep);
        long kept = 0;
        foreach (var g in groups)
            for (int u = 0; u < g.Count; u++)
                if (alive[g.Offset + u]) kept += g.ParametersPerUnit;
        return kept;
    }

    /// <summary>A 0/1 gate over all units with 1 on <paramref name="keep"/>.</summary>
    public float[] MaskKeeping(bool[] keep)
    {
        CheckKeep(keep);
        return keep.Select(k => k ? 1f : 0f).ToArray();
    }

    /// <summary>Throws unless <paramref name="keep"/> has one entry per unit.</summary>
    /// <exception cref="ArgumentException">The length is not <see cref="Count"/>.</exception>
    public void CheckKeep(bool[] keep)
    {
        if (keep.Length != Count) throw new ArgumentException($"unit index: a keep mask needs {Count} entries (one per unit), got {keep.Length}");
    }

    /// <summary>"UnitIndex(N units: heads H, neurons M, ...)".</summary>
    public override string ToString() =>
        $"UnitIndex({Count} units: {string.Join(", ", Kinds.Kinds().Select(k => $"{k} {Range(k).Count}"))})";
}
