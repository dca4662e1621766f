using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Training;

namespace NativeDsp.Model.Pruning.Methods;

/// <summary>
/// Michel et al.'s (2019) gradient importance carried over from heads to any unit of a <see cref="UnitIndex"/>:
/// a unit's gate g_u multiplies its output (a head's attention, a neuron's activation, a block's branch), and
/// I_u = sum over batches of |dL_b/dg_u| at the all-ones gate, divided by the tokens seen. For a head this is
/// exactly <see cref="MichelPruner.Importance"/> at the full mask.
/// </summary>
public static class UnitImportance
{
    /// <summary>
    /// I_u = sum_b |dL_b / dg_u| / tokens for units <paramref name="index"/>, over <paramref name="batches"/>
    /// batches of <paramref name="loss"/>, at the all-ones gate. Each batch runs in its own tape scope. The
    /// caller freezes the model first if its parameters should not collect gradients (the procedures here do).
    /// </summary>
    /// <param name="device">The device of the model.</param>
    /// <param name="index">The units.</param>
    /// <param name="loss">The loss of batch b under the gates (e.g. <see cref="UnitPruningContext.ScoreLoss"/>).</param>
    /// <param name="batches">Batches to sum over (at least 1).</param>
    /// <returns>The raw importance per unit, [index.Count], in float64.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batches"/> is below 1.</exception>
    public static double[] GateGradient(Device device, UnitIndex index, Func<int, UnitGates, BatchLoss> loss, int batches)
    {
        if (batches < 1) throw new ArgumentOutOfRangeException(nameof(batches), batches, "unit importance: the importance pass needs at least one batch");
        var sum = new double[index.Count];
        long tokens = 0;
        using var gate = Tensor.Full(device, 1f, index.Count);
        gate.RequiresGrad = true;
        for (int b = 0; b < batches; b++)
        {
            using var scope = device.Scope();
            var l = loss(b, UnitGates.Split(index, gate));
            gate.ZeroGrad();
            l.Loss.Backward();
            var g = gate.Grad!.ToArray();
            for (int u = 0; u < g.Length; u++) sum[u] += Math.Abs(g[u]);
            tokens += l.Tokens;
        }
        for (int u = 0; u < sum.Length; u++) sum[u] /= Math.Max(tokens, 1);
        return sum;
    }

    /// <summary>
    /// Michel et al.'s normalisation: each group's importances divided by their L2 norm (per attention module
    /// for heads, as the reference normalises per layer; per FFN for neurons). A block is a group of one unit,
    /// where that would make every block 1, so blocks are normalised over their whole kind instead. An all-zero
    /// group stays zero (the reference's 1e-20 guard).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="raw"/> does not have one entry per unit.</exception>
    public static float[] Normalise(UnitIndex index, IReadOnlyList<double> raw)
    {
        if (raw.Count != index.Count) throw new ArgumentException($"unit importance: {raw.Count} scores for {index.Count} units");
        var result = new float[index.Count];
        void Scale(IEnumerable<int> units)
        {
            var ids = units.ToArray();
            double norm = Math.Sqrt(ids.Sum(u => raw[u] * raw[u])) + 1e-20;
            foreach (int u in ids) result[u] = (float)(raw[u] / norm);
        }
        foreach (var g in index.Groups.Where(g => g.Kind is UnitKind.Head or UnitKind.Neuron))
            Scale(Enumerable.Range(g.Offset, g.Count));
        foreach (var kind in new[] { UnitKind.AttentionBlock, UnitKind.FfnBlock })
        {
            var (offset, count) = index.Range(kind);
            if (count > 0) Scale(Enumerable.Range(offset, count));
        }
        return result;
    }
}
