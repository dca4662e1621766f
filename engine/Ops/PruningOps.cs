using NativeDsp.Kernels;
using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Engine;

/// <summary>
/// The head-pruning ops: per-head logits [H] in, a head gate [H] out, with the backward into the logits.
/// They wrap the fused kernels of <see cref="IKernels"/> (Gumbel-soft-top-K, straight-through top-K, Hard
/// Concrete): the K softmaxes of the relaxation are one op on the tape with an analytic backward, not K
/// recorded softmaxes.
/// </summary>
public static partial class Ops
{
    /// <summary>
    /// The relaxed K-hot mask of DSP (see <see cref="IKernels.SoftTopKForward"/>): a sum of K softmaxes, so every
    /// entry is in [0, K] (one can exceed 1: a head keeps mass in several iterations) and the mask sums to
    /// <paramref name="k"/>. <paramref name="noise"/> is the step's Gumbel noise [H] (a constant), or null for
    /// the noise-free relaxation.
    /// </summary>
    /// <exception cref="ArgumentException">The logits are not a vector [H] with H &gt;= 1, or the noise is on another device.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is outside [1, H], or tau is not finite and positive.</exception>
    /// <exception cref="ShapeException">The noise's shape differs from the logits'.</exception>
    public static Tensor SoftTopK(Tensor logits, Tensor? noise, int k, double tau)
    {
        const string op = "soft_top_k";
        int heads = CheckHeadVector(op, logits);
        if (noise is not null)
        {
            SameDevice(op, logits, noise);
            SameShape(op, logits, noise);
        }
        PruningChecks.TopK(op, heads, k);
        PruningChecks.Tau(op, tau);
        var kernels = K(logits);
        // The saved probabilities of the K iterations (float64) live as long as the step's tape.
        var saved = logits.Device.Tape.Own(new TapeOwnedDoubles(kernels.AllocateDouble((int)SoftTopKLayout.SavedLength(heads, k))));
        var mask = NewOutput(logits, logits.Shape);
        kernels.SoftTopKForward(logits.Buffer, noise?.Buffer, mask.Buffer, saved.Buffer, heads, k, tau);
        logits.Device.Tape.Record(op, mask, [logits], () => kernels.SoftTopKBackward(saved.Buffer, Dy(mask), G(logits), heads, k, tau));
        return mask;
    }

    /// <summary>
    /// The soft top-K of <see cref="SoftTopK"/> per segment of one logit vector [N] (see
    /// <see cref="IKernels.SoftTopKSegmentsForward"/>): each relaxed segment (0 &lt; K &lt; Count) gets exactly the
    /// mask <see cref="SoftTopK"/> gives for its slice, a segment with K = 0 gets 0, one with K = Count and every
    /// entry outside the segments 1 (no gradient there). One op on the tape; the Host kernels relax the segments
    /// in parallel (a budget per layer). <paramref name="noise"/> is a constant [N] or null.
    /// </summary>
    /// <exception cref="ArgumentException">The logits are not a vector [N] with N &gt;= 1, the noise is on another device, or the segments overlap, are out of order or reach beyond N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A segment's K is outside [0, Count], or tau is not finite and positive.</exception>
    /// <exception cref="ShapeException">The noise's shape differs from the logits'.</exception>
    public static Tensor SoftTopKSegments(Tensor logits, Tensor? noise, IReadOnlyList<SoftTopKSegment> segments, double tau)
    {
        const string op = "soft_top_k_segments";
        int units = CheckHeadVector(op, logits);
        if (noise is not null)
        {
            SameDevice(op, logits, noise);
            SameShape(op, logits, noise);
        }
        var kernels = K(logits);
        var segs = segments.ToArray();
        long length = SoftTopKSegment.SavedLayout(segs).Length;
        if (length > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(segments), $"{op}: the segments need {length} saved doubles, more than one buffer holds");
        // The saved state of every relaxed segment (float64) lives as long as the step's tape.
        var saved = logits.Device.Tape.Own(new TapeOwnedDoubles(kernels.AllocateDouble((int)Math.Max(1, length))));
        var mask = NewOutput(logits, logits.Shape);
        kernels.SoftTopKSegmentsForward(logits.Buffer, noise?.Buffer, mask.Buffer, saved.Buffer, units, segs, tau);
        logits.Device.Tape.Record(op, mask, [logits], () => kernels.SoftTopKSegmentsBackward(saved.Buffer, Dy(mask), G(logits), units, segs, tau));
        return mask;
    }

    /// <summary>Hard top-K mask (exactly K ones) with the straight-through (identity) gradient into the logits.</summary>
    /// <exception cref="ArgumentException">The logits are not a vector [H] with H &gt;= 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is outside [1, H].</exception>
    public static Tensor SteTopK(Tensor logits, int k)
    {
        const string op = "ste_top_k";
        int heads = CheckHeadVector(op, logits);
        PruningChecks.TopK(op, heads, k);
        var mask = NewOutput(logits, logits.Shape);
        var kernels = K(logits);
        kernels.SteTopKForward(logits.Buffer, mask.Buffer, heads, k);
        logits.Device.Tape.Record(op, mask, [logits], () => kernels.SteTopKBackward(Dy(mask), G(logits), heads));
        return mask;
    }

    /// <summary>
    /// The sampled Hard Concrete gate of each head for the logistic noise <paramref name="noise"/> [H] (a
    /// constant; null = noise 0), differentiable in <paramref name="logAlpha"/>.
    /// </summary>
    /// <exception cref="ArgumentException">log alpha is not a vector [H] with H &gt;= 1, or the noise is on another device.</exception>
    /// <exception cref="ShapeException">The noise's shape differs from log alpha's.</exception>
    public static Tensor HardConcreteSample(Tensor logAlpha, Tensor? noise, HardConcreteGate parameters)
    {
        const string op = "hard_concrete_gate";
        int heads = CheckHeadVector(op, logAlpha);
        if (noise is not null)
        {
            SameDevice(op, logAlpha, noise);
            SameShape(op, logAlpha, noise);
        }
        PruningChecks.HardConcrete(op, parameters);
        var gate = NewOutput(logAlpha, logAlpha.Shape);
        var kernels = K(logAlpha);
        kernels.HardConcreteForward(logAlpha.Buffer, noise?.Buffer, gate.Buffer, heads, parameters);
        logAlpha.Device.Tape.Record(op, gate, [logAlpha], () =>
            kernels.HardConcreteBackward(logAlpha.Buffer, noise?.Buffer, Dy(gate), G(logAlpha), heads, parameters));
        return gate;
    }

    /// <summary>The deterministic Hard Concrete gate clamp(sigmoid(log_a) (high - low) + low, 0, 1); no gradient.</summary>
    /// <exception cref="ArgumentException">log alpha is not a vector [H] with H &gt;= 1.</exception>
    public static Tensor HardConcreteEvalGate(Tensor logAlpha, HardConcreteGate parameters)
    {
        const string op = "hard_concrete_eval_gate";
        int heads = CheckHeadVector(op, logAlpha);
        PruningChecks.HardConcrete(op, parameters);
        var gate = NewOutput(logAlpha, logAlpha.Shape);
        K(logAlpha).HardConcreteEvalGate(logAlpha.Buffer, gate.Buffer, heads, parameters);
        return gate;
    }

    /// <summary>The expected number of open gates, sum_h P(gate_h != 0), as a scalar (Voita's L0 penalty before lambda).</summary>
    /// <exception cref="ArgumentException">log alpha is not a vector [H] with H &gt;= 1.</exception>
    public static Tensor HardConcretePenalty(Tensor logAlpha, HardConcreteGate parameters)
    {
        const string op = "hard_concrete_penalty";
        int heads = CheckHeadVector(op, logAlpha);
        PruningChecks.HardConcrete(op, parameters);
        var penalty = NewOutput(logAlpha, Shape.Scalar);
        var kernels = K(logAlpha);
        kernels.HardConcretePenaltyForward(logAlpha.Buffer, penalty.Buffer, heads, parameters);
        logAlpha.Device.Tape.Record(op, penalty, [logAlpha], () =>
            kernels.HardConcretePenaltyBackward(logAlpha.Buffer, Dy(penalty), G(logAlpha), heads, parameters));
        return penalty;
    }

    static int CheckHeadVector(string op, Tensor t)
    {
        if (t.Shape.Rank != 1 || t.Shape[0] < 1) throw new ArgumentException($"{op}: needs a vector of per-head logits [H] with H >= 1, got shape {t.Shape}");
        return t.Shape[0];
    }

    /// <summary>A float64 buffer the tape frees with the step (the soft top-K's saved iterations).</summary>
    sealed class TapeOwnedDoubles(DeviceBuffer<double> buffer) : ITapeOwned
    {
        public DeviceBuffer<double> Buffer { get; } = buffer;
        public bool IsKept => false;
        public void Dispose() => Buffer.Dispose();
    }
}
