using NativeDsp.Kernels;

namespace NativeDsp.Engine;

/// <summary>
/// Adam (Kingma and Ba) over parameter groups with L2 weight decay added to the gradient; <see cref="AdamW"/>
/// decouples it. Each step updates every parameter of every group that requires grad and has a gradient,
/// with the fused <see cref="IKernels.AdamUpdate"/> kernel. The step count is shared by all parameters
/// (bias correction uses it); moments are allocated on a parameter's first update.
/// <para>
/// On a backend with buffer slices (ILGPU) and <see cref="MultiTensor"/> on (the default), the whole step is one
/// <see cref="IKernels.AdamUpdateMultiTensor"/> launch over flat buffers that hold every parameter, gradient and
/// moment (FlatAdamState.cs: parameters and gradients are moved there on the device at the first step). It gives the
/// same bits as the per-tensor launches, and the same exported state.
/// </para>
/// </summary>
public class Adam : IDisposable
{
    readonly Dictionary<Parameter, (DeviceBuffer<float> M, DeviceBuffer<float> V)> moments = new(ReferenceEqualityComparer.Instance);
    FlatAdamState? flat;
    bool flatChecked;

    /// <summary>Adam over <paramref name="groups"/> with the paper's defaults beta1 0.9, beta2 0.999, eps 1e-8.</summary>
    /// <exception cref="ArgumentException">No group, or a parameter in more than one group.</exception>
    public Adam(IEnumerable<ParameterGroup> groups, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f)
    {
        Groups = groups.ToList();
        if (Groups.Count == 0) throw new ArgumentException("optimizer: needs at least one parameter group");
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var g in Groups)
            foreach (var p in g.Parameters)
                if (!seen.Add(p)) throw new ArgumentException($"optimizer: parameter '{p.Name}' {p.Shape} is in more than one group");
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    /// <summary>Adam over one group of <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">A parameter appears twice.</exception>
    public Adam(IEnumerable<Parameter> parameters, float learningRate, float weightDecay = 0f)
        : this([new ParameterGroup(parameters, learningRate, weightDecay)]) { }

    /// <summary>True for AdamW: weight decay shrinks the weights directly instead of joining the gradient.</summary>
    protected virtual bool Decoupled => false;

    /// <summary>The parameter groups, in the order given (checkpoint keys use this order).</summary>
    public IReadOnlyList<ParameterGroup> Groups { get; }
    /// <summary>The first moment's decay rate.</summary>
    public float Beta1 { get; }
    /// <summary>The second moment's decay rate.</summary>
    public float Beta2 { get; }
    /// <summary>The denominator's epsilon, sqrt(v_hat) + eps.</summary>
    public float Eps { get; }

    /// <summary>Steps taken (t of the bias correction, 1-based inside a step).</summary>
    public int StepCount { get; private set; }

    /// <summary>
    /// Whether a backend with buffer slices (ILGPU) updates all parameters in one launch (default true; see the class
    /// remarks). False keeps one <see cref="IKernels.AdamUpdate"/> launch per parameter, for comparisons. The Host
    /// kernels always update per parameter.
    /// </summary>
    public bool MultiTensor { get; init; } = true;

    /// <summary>Every parameter of every group.</summary>
    public IEnumerable<Parameter> AllParameters => Groups.SelectMany(g => g.Parameters);

    /// <summary>
    /// One update. <paramref name="scheduleFactor"/> multiplies the learning rate of every group that is not
    /// marked constant (a warm-up / decay schedule's value at this step).
    /// </summary>
    public void Step(float scheduleFactor = 1f)
    {
        StepCount++;
        if (Flat() is { } f)
        {
            f.Step(scheduleFactor, Beta1, Beta2, Eps, Decoupled, StepCount);
            return;
        }
        foreach (var g in Groups)
        {
            float lr = g.EffectiveLearningRate(scheduleFactor);
            foreach (var p in g.Parameters)
            {
                if (!p.RequiresGrad || p.Grad is null) continue;
                var (m, v) = Moments(p);
                p.Device.Kernels.AdamUpdate(p.Buffer, p.Grad.Buffer, m, v, p.Count, lr, Beta1, Beta2, Eps, g.WeightDecay, Decoupled, StepCount);
            }
        }
    }

    /// <summary>Zeroes the gradient of every parameter of every group (one fill of the flat gradient buffer on the one-launch path).</summary>
    public void ZeroGrad()
    {
        if (flat?.TryZeroGrads() == true) return; // one launch once the gradients live in the flat buffer
        foreach (var p in AllParameters) p.ZeroGrad();
    }

    /// <summary>Clips the global gradient norm of all parameters and reads the norm back (see <see cref="ClipGradNormOnDevice"/>; one device-to-host copy).</summary>
    /// <returns>The norm before clipping; a non-finite norm is returned as is and nothing was scaled.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and &gt; 0.</exception>
    public float ClipGradNorm(float maxNorm)
    {
        using var norm = ClipGradNormOnDevice(maxNorm);
        return norm.Item();
    }

    /// <summary>
    /// Clips the global gradient norm of all parameters on the device (as <see cref="GradClip.ClipGlobalNormOnDevice"/>:
    /// every gradient scaled by maxNorm / (norm + 1e-6) when the norm exceeds <paramref name="maxNorm"/>, nothing scaled
    /// for a non-finite norm); returns the norm as a caller-owned [1] tensor, not read back.
    /// <para>
    /// When the step runs in one launch (ILGPU, <see cref="MultiTensor"/> on), the clip runs over the flat gradient buffer
    /// that step uses, moving the gradients there first if they are not there yet (the first step): one
    /// <see cref="IKernels.SumOfSquares"/> (2 launches), <see cref="IKernels.ClipScale"/> and one scale, whatever the number
    /// of parameters (FlatAdamState.TryClipGradNorm). Otherwise (Host, MultiTensor off) it clips tensor by tensor. The two
    /// give the same scale up to the order of the float additions in the sum of squares (tests/Engine/FlatClipTests.cs).
    /// </para>
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and &gt; 0.</exception>
    public Tensor ClipGradNormOnDevice(float maxNorm)
    {
        GradClip.CheckMaxNorm(maxNorm);
        return Flat()?.TryClipGradNorm(maxNorm) ?? GradClip.ClipGlobalNormOnDevice(AllParameters, maxNorm);
    }

    /// <summary>The flat state when this optimizer runs one launch per step, built on first use.</summary>
    FlatAdamState? Flat()
    {
        if (!flatChecked && MultiTensor) flat = FlatAdamState.TryCreate(Groups);
        flatChecked = true;
        return flat;
    }

    bool TryGetMoments(Parameter p, out DeviceBuffer<float> m, out DeviceBuffer<float> v)
    {
        if (Flat() is { } f) return f.TryGetMoments(p, out m, out v);
        bool found = moments.TryGetValue(p, out var mv);
        (m, v) = mv;
        return found;
    }

    void ResetMoments(Parameter p)
    {
        if (Flat() is { } f) f.ResetMoments(p);
        else if (moments.Remove(p, out var stale)) { stale.M.Dispose(); stale.V.Dispose(); }
    }

    (DeviceBuffer<float> M, DeviceBuffer<float> V) Moments(Parameter p)
    {
        if (Flat() is { } f) return f.MomentsToWrite(p);
        if (!moments.TryGetValue(p, out var mv))
        {
            var k = p.Device.Kernels;
            mv = (k.Allocate(p.Count), k.Allocate(p.Count));
            moments[p] = mv;
        }
        return mv;
    }

    static string Key(int group, int index) => $"g{group}.p{index}";

    /// <summary>The step count and, for every parameter updated at least once, its moments m and v copied to the host as "gG.pI.m|v".</summary>
    public OptimizerState ExportState()
    {
        var tensors = new Dictionary<string, HostTensor>();
        for (int g = 0; g < Groups.Count; g++)
            for (int i = 0; i < Groups[g].Parameters.Count; i++)
            {
                var p = Groups[g].Parameters[i];
                if (!TryGetMoments(p, out var m, out var v)) continue;
                tensors[$"{Key(g, i)}.m"] = new HostTensor(p.Shape, m.ToArray()[..p.Count]);
                tensors[$"{Key(g, i)}.v"] = new HostTensor(p.Shape, v.ToArray()[..p.Count]);
            }
        return new OptimizerState(StepCount, tensors);
    }

    /// <summary>Restores a state exported from an optimizer built the same way; shapes are checked.</summary>
    /// <exception cref="KeyNotFoundException">A parameter has only one of its moments, or an entry matches no parameter.</exception>
    /// <exception cref="ShapeException">A moment's shape differs from its parameter's.</exception>
    public void ImportState(OptimizerState state)
    {
        var known = new HashSet<string>();
        for (int g = 0; g < Groups.Count; g++)
            for (int i = 0; i < Groups[g].Parameters.Count; i++)
            {
                var p = Groups[g].Parameters[i];
                string key = Key(g, i);
                bool hasM = state.Tensors.TryGetValue($"{key}.m", out var m), hasV = state.Tensors.TryGetValue($"{key}.v", out var v);
                if (hasM != hasV) throw new KeyNotFoundException($"optimizer state: '{key}' has only one of its two moments");
                if (!hasM)
                {
                    ResetMoments(p);
                    continue;
                }
                known.Add($"{key}.m");
                known.Add($"{key}.v");
                foreach (var h in new[] { m!, v! })
                    if (h.Shape != p.Shape) throw new ShapeException($"optimizer state '{key}' ({p.Name})", p.Shape, h.Shape, "the parameter's and the state's shapes differ");
                var (bm, bv) = Moments(p);
                bm.CopyFrom(m!.Data);
                bv.CopyFrom(v!.Data);
            }
        var unexpected = state.Tensors.Keys.Where(k => !known.Contains(k)).ToList();
        if (unexpected.Count > 0) throw new KeyNotFoundException($"optimizer state: entries [{string.Join(", ", unexpected)}] match no parameter of this optimizer");
        StepCount = state.Step;
    }

    /// <summary>Frees the moment buffers.</summary>
    public void Dispose()
    {
        foreach (var (m, v) in moments.Values)
        {
            m.Dispose();
            v.Dispose();
        }
        moments.Clear();
        flat?.Dispose();
        flat = null;
        GC.SuppressFinalize(this);
    }
}
