using NativeDsp.Engine;

namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// The gates a model's forward pass takes, one per kind (null = every unit of that kind fully on):
/// <see cref="Heads"/> [HeadIndex.Count] multiplies each head's attention; <see cref="Neurons"/> [neurons of all
/// FFNs] multiplies each FFN neuron's activation; <see cref="AttentionBlocks"/> and <see cref="FfnBlocks"/>
/// [blocks] multiply each residual branch's whole output. Each module reads its own slice (its offsets are set
/// by <see cref="UnitIndex.Build"/>).
/// </summary>
public sealed record UnitGates(Tensor? Heads = null, Tensor? Neurons = null, Tensor? AttentionBlocks = null, Tensor? FfnBlocks = null)
{
    /// <summary>
    /// Watches every residual branch (and each attention module's per-head context) during the forward pass, or null
    /// (the default: nothing is called). An observer only reads; it does not change what the model computes.
    /// </summary>
    public IBranchObserver? Observer { get; init; }

    /// <summary>No gate: the full model.</summary>
    public static UnitGates None { get; } = new();

    /// <summary>Only a head gate (the head-pruning methods).</summary>
    public static UnitGates FromHeads(Tensor? heads) => heads is null ? None : new(Heads: heads);

    /// <summary>
    /// Cuts a gate over all units of <paramref name="index"/> ([index.Count], e.g. a pruner's mask) into the
    /// kinds' gates: differentiable slices, tape-owned like any op result. Kinds the index does not cover are null.
    /// </summary>
    /// <exception cref="ArgumentException">The gate is not [index.Count].</exception>
    public static UnitGates Split(UnitIndex index, Tensor gate)
    {
        if (gate.Shape.Rank != 1 || gate.Shape[0] != index.Count)
            throw new ArgumentException($"unit gates: the gate must be [{index.Count}] (one entry per unit of {index}), got {gate.Shape}");
        Tensor? Part(UnitKind kind)
        {
            if (!index.Kinds.Has(kind)) return null;
            var (offset, count) = index.Range(kind);
            if (count == 0) return null;
            return offset == 0 && count == index.Count ? gate : Ops.Slice(gate, 0, offset, count);
        }
        return new UnitGates(Part(UnitKind.Head), Part(UnitKind.Neuron), Part(UnitKind.AttentionBlock), Part(UnitKind.FfnBlock));
    }

    /// <summary>A caller-owned 0/1 gate tensor over <paramref name="index"/> keeping <paramref name="keep"/>.</summary>
    public static Tensor KeepTensor(Device device, UnitIndex index, bool[] keep) => Tensor.FromArray(device, index.MaskKeeping(keep), index.Count);

    /// <summary>The slice [offset, offset + count) of a kind's gate, or null without one (a module's own gate).</summary>
    /// <exception cref="ArgumentException">The gate is too short for the slice.</exception>
    public static Tensor? Slice(Tensor? kindGate, int offset, int count, string module)
    {
        if (kindGate is null) return null;
        if (kindGate.Shape.Rank != 1 || kindGate.Shape[0] < offset + count)
            throw new ArgumentException($"{module}: the gate {kindGate.Shape} is too short for units [{offset}, {offset + count})");
        return offset == 0 && kindGate.Shape[0] == count ? kindGate : Ops.Slice(kindGate, 0, offset, count);
    }
}
