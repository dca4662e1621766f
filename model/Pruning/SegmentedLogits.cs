using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Model.Pruning;

/// <summary>
/// What every learned-logit pruner shares, over heads (<see cref="LogitPruner"/>) or any units
/// (<see cref="UnitDspPruner"/>): one logit per unit held as a parameter named "logits" (so trainer checkpoints
/// save it with the pruner as an extra module), a constant-rate parameter group without weight decay, and the
/// application of a one-slice mask op segment by segment (<see cref="PerSegment"/>: STE and Hard Concrete under a
/// per-module budget). DSP relaxes all its segments in one fused op instead (<see cref="DspRelaxation.Relax"/>),
/// with the same gates for K = 0, K = all and uncovered units.
/// </summary>
public abstract class SegmentedLogits : Module
{
    /// <summary>Registers the zero-filled logits [<paramref name="count"/>] and their constant-rate group named <paramref name="groupName"/>.</summary>
    /// <param name="count">Units (entries of the logit vector), at least 1.</param>
    /// <param name="learningRate">The constant learning rate of the logits.</param>
    /// <param name="device">The device holding the logits.</param>
    /// <param name="groupName">The parameter group's name for logs ("head_logits", "unit_logits").</param>
    /// <param name="what">Names the pruner in error messages ("head pruner", "unit pruner").</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not finite and positive.</exception>
    protected SegmentedLogits(int count, float learningRate, Device device, string groupName, string what)
    {
        if (!(learningRate > 0) || float.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"{what}: the learning rate of the {groupName.Replace('_', ' ')} must be finite and > 0");
        Device = device;
        Logits = RegisterParameter("logits", new Parameter(device, new Shape(count)));
        ParameterGroup = new ParameterGroup([Logits], learningRate, weightDecay: 0f, constantLearningRate: true, name: groupName);
    }

    /// <summary>The device holding the logits.</summary>
    public Device Device { get; }

    /// <summary>The logits (w for DSP and STE, log alpha for Voita), one per unit.</summary>
    public Parameter Logits { get; }

    /// <summary>The logits as one constant-rate group.</summary>
    public ParameterGroup ParameterGroup { get; }

    /// <summary>
    /// Applies <paramref name="op"/> (slice of logits, slice of noise, K) to each segment's slice with its K and
    /// concatenates the results with the entries no segment covers into one gate over all units: a segment with
    /// K = 0 gets an all-zero gate, one with K = its size and every uncovered unit an all-one gate (every such
    /// entry is a differentiable function of w with zero gradient, so the result is one tape value). A single
    /// segment over the whole vector is relaxed without slicing.
    /// </summary>
    /// <param name="segments">Non-overlapping ranges in increasing order, inside [0, Logits.Count).</param>
    /// <param name="noise">The step's noise over all units, or null.</param>
    /// <param name="op">The relaxation of one segment: its logits, its noise (or null) and its K, to a gate of the same length.</param>
    /// <exception cref="ArgumentException">The segments overlap, are out of order or reach beyond the logits.</exception>
    protected Tensor PerSegment(IReadOnlyList<BudgetSegment> segments, Tensor? noise, Func<Tensor, Tensor?, int, Tensor> op)
    {
        int count = Logits.Count;
        if (segments is [var only] && only.Offset == 0 && only.Count == count && only.K > 0 && only.K < count) return op(Logits, noise, only.K);
        var parts = new List<Tensor>(2 * segments.Count + 1);
        Tensor Constant(int offset, int length, float value)
        {
            var zero = Ops.Scale(Ops.Slice(Logits, 0, offset, length), 0f);
            return value == 0f ? zero : Ops.AddScalar(zero, value);
        }
        int at = 0;
        foreach (var s in segments)
        {
            if (s.Offset < at || s.Count < 0 || s.Offset + s.Count > count || s.K < 0 || s.K > s.Count)
                throw new ArgumentException($"pruner: segment [{s.Offset}, {s.Offset + s.Count}) K={s.K} overlaps another, is out of order or does not fit the {count} logits");
            if (s.Count == 0) continue;
            if (s.Offset > at) parts.Add(Constant(at, s.Offset - at, 1f));
            if (s.K == 0) parts.Add(Constant(s.Offset, s.Count, 0f));
            else if (s.K == s.Count) parts.Add(Constant(s.Offset, s.Count, 1f));
            else parts.Add(op(Ops.Slice(Logits, 0, s.Offset, s.Count), noise is null ? null : Ops.Slice(noise, 0, s.Offset, s.Count), s.K));
            at = s.Offset + s.Count;
        }
        if (at < count) parts.Add(Constant(at, count - at, 1f));
        return parts.Count == 1 ? parts[0] : Ops.Concat(0, parts.ToArray());
    }

    /// <summary>Runs a mask computation without recording and reads it back.</summary>
    protected float[] Peek(Func<Tensor> mask)
    {
        using var noGrad = NoGrad.Scope();
        using var scope = Device.Scope();
        return mask().ToArray();
    }
}
