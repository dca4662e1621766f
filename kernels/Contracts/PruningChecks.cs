namespace NativeDsp.Kernels.Pruning;

/// <summary>
/// Argument checks of the head-pruning ops, shared by the Host and ILGPU backends so that both reject the
/// same calls with the same message (naming the op and the values involved).
/// </summary>
public static class PruningChecks
{
    /// <summary>heads must be &gt;= 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">heads &lt; 1.</exception>
    public static void Heads(string op, int heads)
    {
        if (heads < 1) throw new ArgumentOutOfRangeException(nameof(heads), heads, $"{op}: heads must be >= 1, got {heads}");
    }

    /// <summary>heads &gt;= 1 and k in [1, heads].</summary>
    /// <exception cref="ArgumentOutOfRangeException">Either is out of range.</exception>
    public static void TopK(string op, int heads, int k)
    {
        Heads(op, heads);
        if (k < 1 || k > heads)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"{op}: k must be in [1, heads = {heads}], got {k}");
    }

    /// <summary>The temperature must be finite and &gt; 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not.</exception>
    public static void Tau(string op, double tau)
    {
        if (!(tau > 0) || double.IsInfinity(tau))
            throw new ArgumentOutOfRangeException(nameof(tau), tau, $"{op}: tau must be a finite number > 0, got {tau}");
    }

    /// <summary>The buffer must hold at least <paramref name="needed"/> elements.</summary>
    /// <exception cref="ArgumentNullException">It is null.</exception>
    /// <exception cref="ArgumentException">It is too short.</exception>
    public static void Length<T>(string op, string name, DeviceBuffer<T> buffer, long needed) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer.Length < needed)
            throw new ArgumentException($"{op}: {name} has {buffer.Length} elements, needs at least {needed}", name);
    }

    /// <summary>Everything the soft top-K forward and backward share: H, K, tau and the saved buffer's size.</summary>
    public static void SoftTopK(string op, int heads, int k, double tau, DeviceBuffer<double> saved)
    {
        TopK(op, heads, k);
        Tau(op, tau);
        long needed = SoftTopKLayout.SavedLength(heads, k);
        if (needed > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(k), $"{op}: heads = {heads}, k = {k} need {needed} saved doubles, more than one buffer holds");
        Length(op, "saved", saved, needed);
    }

    /// <summary>Valid Hard Concrete parameters: beta finite and &gt; 0, low &lt; 0, high &gt; 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">They are not.</exception>
    public static void HardConcrete(string op, HardConcreteGate gate)
    {
        if (!(gate.Beta > 0) || double.IsInfinity(gate.Beta))
            throw new ArgumentOutOfRangeException(nameof(gate), gate.Beta, $"{op}: beta (temperature) must be a finite number > 0, got {gate.Beta}");
        // The expected-L0 penalty is P(stretched gate > 0), which needs low < 0 < 1 < high.
        if (!(gate.Low < 0 && gate.High > 1) || double.IsInfinity(gate.Low) || double.IsInfinity(gate.High))
            throw new ArgumentOutOfRangeException(nameof(gate), $"{op}: the stretch interval must satisfy low < 0 and high > 1, got ({gate.Low}, {gate.High})");
    }

    /// <summary>Every argument check of SoftTopKForward, shared by the backends.</summary>
    public static void SoftTopKForward(DeviceBuffer<float> logits, DeviceBuffer<float>? noise, DeviceBuffer<float> mask,
                                       DeviceBuffer<double> saved, int heads, int k, double tau)
    {
        const string op = nameof(IKernels.SoftTopKForward);
        SoftTopK(op, heads, k, tau, saved);
        Length(op, "logits", logits, heads);
        if (noise is not null) Length(op, "noise", noise, heads);
        Length(op, "mask", mask, heads);
    }

    /// <summary>Every argument check of SoftTopKBackward, shared by the backends.</summary>
    public static void SoftTopKBackward(DeviceBuffer<double> saved, DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits,
                                        int heads, int k, double tau)
    {
        const string op = nameof(IKernels.SoftTopKBackward);
        SoftTopK(op, heads, k, tau, saved);
        Length(op, "dmask", dmask, heads);
        Length(op, "dlogits", dlogits, heads);
    }

    /// <summary>
    /// Everything the segmented soft top-K forward and backward share: units &gt;= 1, tau, segments inside
    /// [0, units) in increasing order without overlap, each K in [0, Count], and the saved buffer's size.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">units, tau or a segment's K is out of range.</exception>
    /// <exception cref="ArgumentException">The segments overlap, are out of order or reach beyond the units; the saved buffer is too short.</exception>
    public static void SoftTopKSegments(string op, int units, IReadOnlyList<SoftTopKSegment> segments, double tau, DeviceBuffer<double> saved)
    {
        Heads(op, units);
        Tau(op, tau);
        ArgumentNullException.ThrowIfNull(segments);
        int at = 0;
        foreach (var s in segments)
        {
            if (s.Offset < at || s.Count < 0 || (long)s.Offset + s.Count > units)
                throw new ArgumentException($"{op}: segment [{s.Offset}, {(long)s.Offset + s.Count}) overlaps the previous one, is out of order or reaches beyond the {units} units", nameof(segments));
            if (s.K < 0 || s.K > s.Count)
                throw new ArgumentOutOfRangeException(nameof(segments), s.K, $"{op}: segment [{s.Offset}, {s.Offset + s.Count}) keeps k = {s.K}, which must be in [0, {s.Count}]");
            if (s.Relaxed && SoftTopKLayout.SavedLength(s.Count, s.K) > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(segments), $"{op}: segment [{s.Offset}, {s.Offset + s.Count}) with k = {s.K} needs more saved doubles than one buffer holds");
            at = s.Offset + s.Count;
        }
        Length(op, "saved", saved, SoftTopKSegment.SavedLayout(segments).Length);
    }

    /// <summary>Every argument check of SoftTopKSegmentsForward, shared by the backends.</summary>
    public static void SoftTopKSegmentsForward(DeviceBuffer<float> logits, DeviceBuffer<float>? noise, DeviceBuffer<float> mask,
                                               DeviceBuffer<double> saved, int units, IReadOnlyList<SoftTopKSegment> segments, double tau)
    {
        const string op = nameof(IKernels.SoftTopKSegmentsForward);
        SoftTopKSegments(op, units, segments, tau, saved);
        Length(op, "logits", logits, units);
        if (noise is not null) Length(op, "noise", noise, units);
        Length(op, "mask", mask, units);
    }

    /// <summary>Every argument check of SoftTopKSegmentsBackward, shared by the backends.</summary>
    public static void SoftTopKSegmentsBackward(DeviceBuffer<double> saved, DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits,
                                                int units, IReadOnlyList<SoftTopKSegment> segments, double tau)
    {
        const string op = nameof(IKernels.SoftTopKSegmentsBackward);
        SoftTopKSegments(op, units, segments, tau, saved);
        Length(op, "dmask", dmask, units);
        Length(op, "dlogits", dlogits, units);
    }

    /// <summary>The checks every Hard Concrete op makes of its log-alpha and optional noise inputs.</summary>
    public static void HardConcreteInputs(string op, DeviceBuffer<float> logAlpha, DeviceBuffer<float>? noise, int heads, HardConcreteGate parameters)
    {
        Heads(op, heads);
        HardConcrete(op, parameters);
        Length(op, "logAlpha", logAlpha, heads);
        if (noise is not null) Length(op, "noise", noise, heads);
    }

    /// <summary>Contract of <see cref="IKernels.SteTopKForward"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">heads &lt; 1 or k outside [1, heads].</exception>
    /// <exception cref="ArgumentException">A buffer shorter than heads.</exception>
    public static void SteTopKForward(DeviceBuffer<float> logits, DeviceBuffer<float> mask, int heads, int k)
    {
        const string op = nameof(IKernels.SteTopKForward);
        TopK(op, heads, k);
        Length(op, "logits", logits, heads);
        Length(op, "mask", mask, heads);
    }

    /// <summary>Contract of <see cref="IKernels.SteTopKBackward"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">heads &lt; 1.</exception>
    /// <exception cref="ArgumentException">A buffer shorter than heads.</exception>
    public static void SteTopKBackward(DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits, int heads)
    {
        const string op = nameof(IKernels.SteTopKBackward);
        Heads(op, heads);
        Length(op, "dmask", dmask, heads);
        Length(op, "dlogits", dlogits, heads);
    }

    /// <summary>Contract of <see cref="IKernels.HardConcreteNoise"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">heads &lt; 1.</exception>
    /// <exception cref="ArgumentException">noise shorter than heads.</exception>
    public static void HardConcreteNoise(DeviceBuffer<float> noise, int heads)
    {
        const string op = nameof(IKernels.HardConcreteNoise);
        Heads(op, heads);
        Length(op, "noise", noise, heads);
    }

    /// <summary>Contract of <see cref="IKernels.HardConcreteForward"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">heads &lt; 1 or invalid gate parameters.</exception>
    /// <exception cref="ArgumentException">A buffer shorter than heads.</exception>
    public static void HardConcreteForward(DeviceBuffer<float> logAlpha, DeviceBuffer<float>? noise, DeviceBuffer<float> gate, int heads, HardConcreteGate parameters)
    {
        const string op = nameof(IKernels.HardConcreteForward);
        HardConcreteInputs(op, logAlpha, noise, heads, parameters);
        Length(op, "gate", gate, heads);
    }

    /// <summary>Contract of <see cref="IKernels.HardConcreteBackward"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">heads &lt; 1 or invalid gate parameters.</exception>
    /// <exception cref="ArgumentException">A buffer shorter than heads.</exception>
    public static void HardConcreteBackward(DeviceBuffer<float> logAlpha, DeviceBuffer<float>? noise, DeviceBuffer<float> dgate,
                                            DeviceBuffer<float> dlogAlpha, int heads, HardConcreteGate parameters)
    {
        const string op = nameof(IKernels.HardConcreteBackward);
        HardConcreteInputs(op, logAlpha, noise, heads, parameters);
        Length(op, "dgate", dgate, heads);
        Length(op, "dlogAlpha", dlogAlpha, heads);
    }

    /// <summary>Contract of <see cref="IKernels.HardConcreteEvalGate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">heads &lt; 1 or invalid gate parameters.</exception>
    /// <exception cref="ArgumentException">A buffer shorter than heads.</exception>
    public static void HardConcreteEvalGate(DeviceBuffer<float> logAlpha, DeviceBuffer<float> gate, int heads, HardConcreteGate parameters)
    {
        const string op = nameof(IKernels.HardConcreteEvalGate);
        HardConcreteInputs(op, logAlpha, null, heads, parameters);
        Length(op, "gate", gate, heads);
    }

    /// <summary>Contract of <see cref="IKernels.HardConcretePenaltyForward"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">heads &lt; 1 or invalid gate parameters.</exception>
    /// <exception cref="ArgumentException">logAlpha shorter than heads or an empty penalty.</exception>
    public static void HardConcretePenaltyForward(DeviceBuffer<float> logAlpha, DeviceBuffer<float> penalty, int heads, HardConcreteGate parameters)
    {
        const string op = nameof(IKernels.HardConcretePenaltyForward);
        HardConcreteInputs(op, logAlpha, null, heads, parameters);
        Length(op, "penalty", penalty, 1);
    }

    /// <summary>Contract of <see cref="IKernels.HardConcretePenaltyBackward"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">heads &lt; 1 or invalid gate parameters.</exception>
    /// <exception cref="ArgumentException">A buffer too short.</exception>
    public static void HardConcretePenaltyBackward(DeviceBuffer<float> logAlpha, DeviceBuffer<float> dpenalty, DeviceBuffer<float> dlogAlpha,
                                                   int heads, HardConcreteGate parameters)
    {
        const string op = nameof(IKernels.HardConcretePenaltyBackward);
        HardConcreteInputs(op, logAlpha, null, heads, parameters);
        Length(op, "dpenalty", dpenalty, 1);
        Length(op, "dlogAlpha", dlogAlpha, heads);
    }
}
