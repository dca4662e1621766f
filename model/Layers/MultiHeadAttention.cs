using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>
/// Multi-head attention with separate projections q_proj, k_proj, v_proj [H*D, d] and out_proj [d, H*D]
/// (fairseq's names), computed by the fused gated attention op (<see cref="Ops.Attention"/>): one call
/// does scores, masks, softmax, head gate and the weighted sum.
/// <para>
/// Heads: <see cref="Heads"/> is the current count; <see cref="PruneHeads"/> removes heads physically and
/// <see cref="KeptHeads"/> remembers which original heads remain. In a model, the module's heads occupy
/// [<see cref="HeadOffset"/>, HeadOffset + Heads) of the model's global head index
/// (<see cref="Pruning.HeadIndex"/>), and <see cref="Forward"/> takes the global gate vector and uses its
/// own slice of it, so that one gate tensor drives every attention module and its gradient collects
/// every module's dL/dgate. A standalone module has offset 0 and takes a gate of length Heads.
/// </para>
/// There is no dropout on the attention probabilities: the fused kernel never materialises them.
/// </summary>
public sealed class MultiHeadAttention : Module, Pruning.Units.IResidualBranch
{
    readonly List<int> keptHeads;

    /// <summary>Attention over model dim <paramref name="dim"/> split into <paramref name="heads"/> heads of dim / heads; projections zero-filled.</summary>
    /// <exception cref="ArgumentException">heads is below 1 or does not divide dim.</exception>
    public MultiHeadAttention(Device device, int dim, int heads)
    {
        if (heads < 1 || dim % heads != 0)
            throw new ArgumentException($"multi-head attention: the model dim {dim} must be a positive multiple of the head count {heads}");
        ModelDim = dim;
        HeadDim = dim / heads;
        OriginalHeads = heads;
        keptHeads = Enumerable.Range(0, heads).ToList();
        QProj = RegisterModule("q_proj", new Linear(device, dim, dim));
        KProj = RegisterModule("k_proj", new Linear(device, dim, dim));
        VProj = RegisterModule("v_proj", new Linear(device, dim, dim));
        OutProj = RegisterModule("out_proj", new Linear(device, dim, dim));
    }

    /// <summary>The query projection [H*D, d].</summary>
    public Linear QProj { get; }
    /// <summary>The key projection [H*D, d].</summary>
    public Linear KProj { get; }
    /// <summary>The value projection [H*D, d].</summary>
    public Linear VProj { get; }
    /// <summary>The output projection [d, H*D].</summary>
    public Linear OutProj { get; }

    /// <summary>d, the model dimension.</summary>
    public int ModelDim { get; }
    /// <summary>D = d / original heads (unchanged by pruning).</summary>
    public int HeadDim { get; }
    /// <summary>The head count before any pruning.</summary>
    public int OriginalHeads { get; }
    /// <summary>The current head count H.</summary>
    public int Heads => keptHeads.Count;

    /// <summary>The original head numbers (0..OriginalHeads-1) of the current heads, ascending.</summary>
    public IReadOnlyList<int> KeptHeads => keptHeads;

    /// <summary>Where this module's heads start in the model's global head index (set by <see cref="Pruning.HeadIndex"/>).</summary>
    public int HeadOffset { get; internal set; }

    /// <summary>Where this module's entry lies in a model's attention-block gate (set by <see cref="Pruning.Units.UnitIndex.Build"/>).</summary>
    public int BlockOffset { get; set; }

    /// <summary>
    /// True once the whole attention block is removed (<see cref="RemoveBranch"/>): the layer skips it and adds
    /// nothing (not even out_proj's bias, as a block gate of 0 gives).
    /// </summary>
    public bool BranchRemoved { get; private set; }

    /// <summary>The pre-LN LayerNorm in front of this block, which only it reads (set by a pre-LN layer; null in post-LN).</summary>
    public Pruning.Units.BranchInputNorm? InputNorm { get; set; }

    /// <summary>The module's parameters and its pre-LN input norm's (0 once removed).</summary>
    public long BranchParameters => BranchRemoved ? 0 : ParameterCount + (InputNorm?.Parameters ?? 0);

    /// <summary>
    /// The parameters the block holds beyond its heads: out_proj's bias (d), which no head owns and which only
    /// removing the whole block removes, and in a pre-LN layer the block's input norm (2 d); 0 once removed.
    /// </summary>
    public long OwnParameters => BranchRemoved ? 0 : (OutProj.Bias?.Count ?? 0) + (InputNorm?.Parameters ?? 0);

    /// <summary>
    /// Marks the block removed and drops out_proj's bias and, in a pre-LN layer, its input norm (a removed block adds
    /// nothing, so both are dead weight and leave the parameter count and the checkpoint). Its heads are removed by the model's head pruning, which
    /// <see cref="Pruning.Units.UnitPruning.Apply"/> runs next (so the model's head index stays consistent).
    /// </summary>
    public void RemoveBranch()
    {
        BranchRemoved = true;
        OutProj.RemoveBias();
        InputNorm?.Remove();
    }

    /// <summary>
    /// Attention of <paramref name="query"/> [B, Tq, d] over <paramref name="keyValue"/> [B, Tk, d] (the same
    /// tensor for self-attention, the encoder output for cross attention). <paramref name="keyMask"/> [B, Tk]
    /// marks attendable keys with 1 (padding 0); <paramref name="gate"/> is the global head gate (or a
    /// [Heads] gate for a standalone module). With a <paramref name="cache"/>: a self-attention cache gets
    /// this call's keys appended and attends over all of them (then keyMask covers the cached keys too);
    /// a static cache is filled on first use and keyValue is not read afterwards (it may be null).
    /// <paramref name="observeContext"/>, when given, is called with the gated per-head context [B, H, Tq, D] before
    /// out_proj (a unit observer's view of each head; null adds nothing). Returns [B, Tq, d].
    /// </summary>
    public Tensor Forward(Tensor query, Tensor? keyValue, Tensor? keyMask, bool causal, Tensor? gate = null, KeyValueCache? cache = null,
                          Action<Tensor>? observeContext = null)
    {
        const string op = "multi_head_attention";
        if (query.Shape.Rank != 3 || query.Shape[2] != ModelDim)
            throw new ArgumentException($"{op}: the query must be [B, T, {ModelDim}], got {query.Shape}");
        int b = query.Shape[0], tq = query.Shape[1];
        if (Heads == 0) return NoHeads(query);

        Tensor k, v;
        if (cache is { IsStatic: true, IsFilled: true })
        {
            (k, v) = (cache.Keys!, cache.Values!);
        }
        else
        {
            if (keyValue is null) throw new ArgumentNullException(nameof(keyValue), $"{op}: keys/values are needed (no filled static cache)");
            if (keyValue.Shape.Rank != 3 || keyValue.Shape[0] != b || keyValue.Shape[2] != ModelDim)
                throw new ArgumentException($"{op}: keys/values must be [{b}, Tk, {ModelDim}], got {keyValue.Shape} for query {query.Shape}");
            k = SplitHeads(KProj.Forward(keyValue));
            v = SplitHeads(VProj.Forward(keyValue));
            if (cache is not null)
            {
                if (!cache.IsStatic && cache.IsFilled)
                {
                    k = Ops.Concat(2, cache.Keys!, k);
                    v = Ops.Concat(2, cache.Values!, v);
                }
                cache.Set(k, v);
            }
        }
        var q = SplitHeads(QProj.Forward(query));
        var o = Ops.Attention(q, k, v, keyMask, LocalGate(gate), causal);
        observeContext?.Invoke(o);
        return OutProj.Forward(Ops.Reshape(Ops.SwapAxes12(o), b, tq, Heads * HeadDim));
    }

    /// <summary>[B, T, H*D] -> [B, H, T, D], the layout of the attention kernel.</summary>
    Tensor SplitHeads(Tensor x) => Ops.SwapAxes12(Ops.Reshape(x, x.Shape[0], x.Shape[1], Heads, HeadDim));

    /// <summary>This module's slice of the global gate.</summary>
    Tensor? LocalGate(Tensor? gate)
    {
        if (gate is null) return null;
        if (gate.Shape.Rank != 1 || gate.Shape[0] < HeadOffset + Heads)
            throw new ArgumentException($"multi-head attention: the head gate {gate.Shape} is too short for heads [{HeadOffset}, {HeadOffset + Heads}) of this module");
        return HeadOffset == 0 && gate.Shape[0] == Heads ? gate : Ops.Slice(gate, 0, HeadOffset, Heads);
    }

    /// <summary>With every head removed, the module outputs only out_proj's bias (what a gate of all zeros gives).</summary>
    Tensor NoHeads(Tensor query)
    {
        var zeros = Ops.Scale(query, 0f);
        return OutProj.Bias is null ? zeros : Ops.Add(zeros, OutProj.Bias);
    }

    /// <summary>
    /// Physically removes every head not in <paramref name="keep"/> (current head numbers 0..Heads-1): their
    /// rows of q_proj, k_proj, v_proj (weights and biases) and their columns of out_proj. The smaller module
    /// computes exactly what this one computes with gate 0 on the removed heads and 1 on the others.
    /// Parameters are replaced, so an optimizer built before pruning must be rebuilt.
    /// </summary>
    public void PruneHeads(IEnumerable<int> keep)
    {
        var heads = keep.ToList();
        foreach (int h in heads)
            if (h < 0 || h >= Heads) throw new ArgumentOutOfRangeException(nameof(keep), $"prune heads: head {h} is outside [0, {Heads})");
        if (heads.Distinct().Count() != heads.Count) throw new ArgumentException($"prune heads: heads repeat in [{string.Join(", ", heads)}]");
        heads.Sort();
        if (heads.Count == Heads) return;
        var rows = heads.SelectMany(h => Enumerable.Range(h * HeadDim, HeadDim)).ToList();
        QProj.KeepOutputs(rows);
        KProj.KeepOutputs(rows);
        VProj.KeepOutputs(rows);
        OutProj.KeepInputs(rows);
        var kept = heads.Select(h => keptHeads[h]).ToList();
        keptHeads.Clear();
        keptHeads.AddRange(kept);
    }
}
