using NativeDsp.Engine;
using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Pruning;

/// <summary>
/// The stable global numbering of every attention head of a model, so that a pruner holds one gate /
/// importance vector over all heads. The order is fixed:
/// <list type="number">
/// <item>encoder self-attention, layer 0, heads 0..H-1; layer 1; ... (the NLI classifier has only these);</item>
/// <item>decoder self-attention, layer 0, 1, ...;</item>
/// <item>decoder cross (encoder-decoder) attention, layer 0, 1, ....</item>
/// </list>
/// A 6+6-layer model with 4 heads thus has encoder heads 0-23, decoder self 24-47, cross 48-71.
/// Building the index tells each module its offset (<see cref="MultiHeadAttention.HeadOffset"/>), so the
/// module reads gate[offset .. offset + heads) from the global gate. After physical pruning the index is
/// rebuilt over the remaining heads (ids are then dense again); <see cref="OriginalId"/> maps a current id
/// to the id the head had in the unpruned model.
/// </summary>
public sealed class HeadIndex
{
    readonly HeadGroup[] groups;
    readonly int[] groupOfHead;

    HeadIndex(HeadGroup[] groups)
    {
        this.groups = groups;
        Count = groups.Sum(g => g.Count);
        OriginalCount = groups.Sum(g => g.OriginalCount);
        groupOfHead = new int[Count];
        foreach (var (g, i) in groups.Select((g, i) => (g, i)))
            for (int h = 0; h < g.Count; h++) groupOfHead[g.Offset + h] = i;
    }

    /// <summary>Indexes <paramref name="modules"/> in the documented order and sets each module's head offset.</summary>
    public static HeadIndex Build(IEnumerable<(string Name, AttentionKind Kind, int Layer, MultiHeadAttention Module)> modules)
    {
        var sorted = modules.OrderBy(m => m.Kind).ThenBy(m => m.Layer).ToList(); // stable
        var seen = new HashSet<MultiHeadAttention>(ReferenceEqualityComparer.Instance);
        var result = new HeadGroup[sorted.Count];
        int offset = 0, original = 0;
        for (int i = 0; i < sorted.Count; i++)
        {
            var (name, kind, layer, module) = sorted[i];
            if (!seen.Add(module)) throw new ArgumentException($"head index: the attention module '{name}' is listed twice");
            module.HeadOffset = offset;
            result[i] = new HeadGroup(name, kind, layer, offset, original, module);
            offset += module.Heads;
            original += module.OriginalHeads;
        }
        return new HeadIndex(result);
    }

    /// <summary>Heads in the model now.</summary>
    public int Count { get; }

    /// <summary>Heads the model had before any physical pruning.</summary>
    public int OriginalCount { get; }

    /// <summary>The attention modules in index order (kind, then layer).</summary>
    public IReadOnlyList<HeadGroup> Groups => groups;

    /// <summary>The module (group) holding global head <paramref name="head"/> and its local number there.</summary>
    public (HeadGroup Group, int Local) Locate(int head)
    {
        if (head < 0 || head >= Count) throw new ArgumentOutOfRangeException(nameof(head), $"head index: head {head} is outside [0, {Count})");
        var g = groups[groupOfHead[head]];
        return (g, head - g.Offset);
    }

    /// <summary>The id head <paramref name="head"/> had in the unpruned model.</summary>
    public int OriginalId(int head)
    {
        var (g, local) = Locate(head);
        return g.OriginalOffset + g.Module.KeptHeads[local];
    }

    /// <summary>A readable name, e.g. "decoder.layers.2.encoder_attn head 1".</summary>
    public string Describe(int head)
    {
        var (g, local) = Locate(head);
        return $"{g.Name} head {g.Module.KeptHeads[local]}";
    }

    /// <summary>The groups of one kind of attention, by layer (per-layer budgets, per-layer normalisation).</summary>
    public IEnumerable<HeadGroup> GroupsOf(AttentionKind kind) => groups.Where(g => g.Kind == kind);

    /// <summary>A 0/1 gate over all heads with 1 on <paramref name="keep"/>.</summary>
    public float[] MaskKeeping(IEnumerable<int> keep)
    {
        var mask = new float[Count];
        foreach (int h in keep)
        {
            _ = Locate(h);
            mask[h] = 1f;
        }
        return mask;
    }

    /// <summary>A caller-owned gate tensor [Count] holding <paramref name="values"/>.</summary>
    public Tensor GateTensor(Device device, ReadOnlySpan<float> values)
    {
        if (values.Length != Count) throw new ArgumentException($"head index: a gate needs {Count} values, got {values.Length}");
        return Tensor.FromArray(device, values, Count);
    }

    /// <summary>Checks that a gate handed to a model's forward pass covers every head.</summary>
    public void CheckGate(Tensor? gate, string model)
    {
        if (gate is not null && (gate.Shape.Rank != 1 || gate.Shape[0] != Count))
            throw new ArgumentException($"{model}: the head gate must be [{Count}] (one entry per head of the global index), got {gate.Shape}");
    }

    /// <summary>"HeadIndex(N heads in M modules)".</summary>
    public override string ToString() => $"HeadIndex({Count} heads in {groups.Length} modules)";
}
