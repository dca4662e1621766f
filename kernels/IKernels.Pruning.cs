using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Kernels;

/// <summary>
/// The head-pruning primitives: the Gumbel-soft-top-K relaxation of DSP (Li et al. 2021, after Xie &amp;
/// Ermon 2019), the straight-through hard top-K baseline and the Hard Concrete gates of Voita et al. 2019.
/// All work on one vector of H per-head logits; float32 at the interface, float64 inside.
/// </summary>
public partial interface IKernels
{
    // ---------------------------------------------------------------- Gumbel-soft-top-K (DSP)

    /// <summary>
    /// The relaxed K-hot mask: r = w + g; p_1 = softmax(r / tau); for j = 2..K:
    /// r_h += log(max(1 - p_{j-1,h}, eps)), p_j = softmax(r / tau); mask = sum_j p_j
    /// (eps = <see cref="SoftTopKLayout.Eps"/>). mask is &gt;= 0 and sums to K;
    /// it is NOT bounded by 1 (an iteration's softmax can still put mass on a head that earlier ones
    /// nearly filled: with H = 2, K = 2 and a large gap, mask_1 = 1.5 and mask_2 = 0.5; see the README).
    /// <paramref name="noise"/> is the Gumbel noise g (e.g. from <see cref="FillGumbel"/>); null means g = 0.
    /// <paramref name="saved"/> (at least <see cref="SoftTopKLayout.SavedLength"/> doubles) receives what
    /// <see cref="SoftTopKBackward"/> needs: O(H) per iteration. Computed in float64 in a log-space-safe
    /// form that is exact to rounding where the plain iteration cancels (1 - p with p near 1), so that it
    /// stays finite and correct for tau from 1e3 down to 1e-8 and below.
    /// Requires 1 &lt;= k &lt;= heads and a finite tau &gt; 0.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.SoftTopKForward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void SoftTopKForward(DeviceBuffer<float> logits, DeviceBuffer<float>? noise, DeviceBuffer<float> mask,
                         DeviceBuffer<double> saved, int heads, int k, double tau);

    /// <summary>
    /// dlogits += dL/dw from dmask = dL/dmask, by an analytic reverse pass over the K iterations of the
    /// forward call that filled <paramref name="saved"/> (same heads, k, tau). dL/dg equals dL/dw (r = w + g).
    /// Overwrites the workspace part of <paramref name="saved"/>, nothing else: it may be called again.
    /// At exact ties of w + g the exact gradient grows like tau^-K; it is saturated at
    /// +-<see cref="SoftTopKLayout.GradientLimit"/> rather than overflowing.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.SoftTopKBackward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void SoftTopKBackward(DeviceBuffer<double> saved, DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits,
                          int heads, int k, double tau);

    /// <summary>
    /// The soft top-K of <see cref="SoftTopKForward"/> applied to each of several ranges of one vector of
    /// <paramref name="units"/> logits, each with its own K (a budget per layer or per kind of unit): a relaxed
    /// segment's mask is exactly what SoftTopKForward gives for its slice; a segment with K = 0 gets 0, one with
    /// K = Count and every unit outside all segments get 1. Independent segments may run in parallel (Host).
    /// <paramref name="saved"/> needs <see cref="SoftTopKSegment.SavedLayout"/>'s length: each relaxed segment's
    /// saved buffer, one after the other.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.SoftTopKSegmentsForward"/> (<see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void SoftTopKSegmentsForward(DeviceBuffer<float> logits, DeviceBuffer<float>? noise, DeviceBuffer<float> mask,
                                 DeviceBuffer<double> saved, int units, IReadOnlyList<SoftTopKSegment> segments, double tau);

    /// <summary>
    /// dlogits += dL/dw of <see cref="SoftTopKSegmentsForward"/> (same segments and tau): each relaxed segment's
    /// <see cref="SoftTopKBackward"/>; the constant gates pass nothing. May be called again.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.SoftTopKSegmentsBackward"/> (<see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void SoftTopKSegmentsBackward(DeviceBuffer<double> saved, DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits,
                                  int units, IReadOnlyList<SoftTopKSegment> segments, double tau);

    // ---------------------------------------------------------------- straight-through top-K

    /// <summary>
    /// mask[h] = 1 for the K largest logits, 0 elsewhere: exactly K ones, ties broken by the lower index
    /// first. Requires 1 &lt;= k &lt;= heads; NaN logits are rejected where the backend can check (Host).
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.SteTopKForward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void SteTopKForward(DeviceBuffer<float> logits, DeviceBuffer<float> mask, int heads, int k);

    /// <summary>The straight-through estimator: dlogits[h] += dmask[h] (the identity).</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.SteTopKBackward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void SteTopKBackward(DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits, int heads);

    // ---------------------------------------------------------------- Hard Concrete gates (Voita et al.)

    /// <summary>
    /// noise[h] = log u - log(1 - u), u = eps + (1 - 2 eps) Philox.Uniform(seed, offset + h) with
    /// eps = <see cref="HardConcreteGate.Eps"/>: the logistic noise of one Hard Concrete sample
    /// (<see cref="HardConcreteMath.LogisticNoise"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.HardConcreteNoise"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void HardConcreteNoise(DeviceBuffer<float> noise, int heads, ulong seed, ulong offset);

    /// <summary>
    /// The sampled (training) gate: gate[h] = clamp(s (high - low) + low, 0, 1) with
    /// s = sigmoid((noise[h] + logAlpha[h]) / beta). A null noise means noise = 0.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.HardConcreteForward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void HardConcreteForward(DeviceBuffer<float> logAlpha, DeviceBuffer<float>? noise, DeviceBuffer<float> gate,
                             int heads, HardConcreteGate parameters);

    /// <summary>
    /// dlogAlpha[h] += dgate[h] * d gate[h] / d logAlpha[h] for the same noise as the forward call;
    /// zero where the clamp to [0, 1] is active.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.HardConcreteBackward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void HardConcreteBackward(DeviceBuffer<float> logAlpha, DeviceBuffer<float>? noise, DeviceBuffer<float> dgate,
                              DeviceBuffer<float> dlogAlpha, int heads, HardConcreteGate parameters);

    /// <summary>The deterministic evaluation gate: gate[h] = clamp(sigmoid(logAlpha[h]) (high - low) + low, 0, 1).</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.HardConcreteEvalGate"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void HardConcreteEvalGate(DeviceBuffer<float> logAlpha, DeviceBuffer<float> gate, int heads, HardConcreteGate parameters);

    /// <summary>
    /// The expected-L0 penalty penalty[0] = sum_h clamp(sigmoid(logAlpha[h] - beta log(-low / high)), eps, 1 - eps):
    /// the expected number of open gates.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.HardConcretePenaltyForward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void HardConcretePenaltyForward(DeviceBuffer<float> logAlpha, DeviceBuffer<float> penalty, int heads, HardConcreteGate parameters);

    /// <summary>dlogAlpha[h] += dpenalty[0] * d penalty / d logAlpha[h] (zero where the clamp is active).</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="Pruning.PruningChecks.HardConcretePenaltyBackward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void HardConcretePenaltyBackward(DeviceBuffer<float> logAlpha, DeviceBuffer<float> dpenalty, DeviceBuffer<float> dlogAlpha,
                                     int heads, HardConcreteGate parameters);
}
