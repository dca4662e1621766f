using NativeDsp.Kernels;

namespace NativeDsp.Engine;

/// <summary>
/// The state of <see cref="Adam"/> on a backend with buffer slices (<see cref="IBufferSlices"/>: ILGPU), laid out for one
/// launch per step (<see cref="IKernels.AdamUpdateMultiTensor"/>, after PyTorch's multi_tensor_apply): the optimizer
/// owns four flat buffers of <see cref="MultiTensorLayout.Length"/> floats, for parameters, gradients and the two
/// moments, and every parameter (in group order) has a chunk-aligned range in each.
/// <para>
/// The parameters and their gradients are moved into the flat buffers: before each step, a parameter whose buffer is
/// not its slice of the parameter buffer (the first step, a parameter loaded or replaced since, one that another
/// optimizer moved) is copied there on the device and its tensor switched to the slice (<see cref="Tensor.MoveStorage"/>),
/// and likewise its gradient; new gradients are taken from the gradient buffer (<see cref="Tensor.GradAllocator"/>).
/// Those copies are device-to-device and happen once; a steady step launches the update once and copies nothing. A
/// gradient clip before the step moves the gradients in the same way (<see cref="TryClipGradNorm"/>).
/// A slice keeps the flat buffer's memory alive, so parameters outlive the optimizer (pruning rebuilds it) safely.
/// </para>
/// Which parameters are updated (requires grad and has a gradient, as the per-tensor path decides) and each group's
/// rate and decay go into the layout's per-tensor table, uploaded only when it changes.
/// </summary>
internal sealed class FlatAdamState : IDisposable
{
    readonly IKernels kernels;
    readonly IBufferSlices slices;
    readonly Parameter[] parameters;
    readonly ParameterGroup[] groupOf;
    readonly DeviceBuffer<float> paramFlat, gradFlat, mFlat, vFlat;
    readonly DeviceBuffer<float>[] mSlices, vSlices;
    readonly DeviceBuffer<float>?[] paramHome, gradHome; // the slices the tensors use now (owned by the tensors)
    readonly Func<DeviceBuffer<float>>[] gradAllocators;
    readonly bool[] updated;
    readonly Dictionary<Parameter, int> index = new(ReferenceEqualityComparer.Instance);

    FlatAdamState(IKernels kernels, IBufferSlices slices, IReadOnlyList<ParameterGroup> groups)
    {
        this.kernels = kernels;
        this.slices = slices;
        parameters = groups.SelectMany(g => g.Parameters).ToArray();
        groupOf = groups.SelectMany(g => g.Parameters.Select(_ => g)).ToArray();
        Layout = new MultiTensorLayout(kernels, parameters.Select(p => p.Count).ToArray());
        (paramFlat, gradFlat, mFlat, vFlat) = (kernels.Allocate(Layout.Length), kernels.Allocate(Layout.Length),
                                               kernels.Allocate(Layout.Length), kernels.Allocate(Layout.Length));
        int n = parameters.Length;
        mSlices = new DeviceBuffer<float>[n];
        vSlices = new DeviceBuffer<float>[n];
        paramHome = new DeviceBuffer<float>?[n];
        gradHome = new DeviceBuffer<float>?[n];
        gradAllocators = new Func<DeviceBuffer<float>>[n];
        updated = new bool[n];
        for (int s = 0; s < n; s++)
        {
            int at = Layout.Offset(s), count = parameters[s].Count, slot = s;
            index[parameters[s]] = s;
            mSlices[s] = slices.Slice(mFlat, at, count);
            vSlices[s] = slices.Slice(vFlat, at, count);
            gradAllocators[s] = () =>
            {
                var g = slices.Slice(gradFlat, at, count);
                kernels.Fill(g, 0f, 0, count); // a new gradient starts at zero; the slice may hold an old one
                gradHome[slot] = g;
                return g;
            };
        }
    }

    /// <summary>The flat state for <paramref name="groups"/>, or null when the per-tensor path must run (no parameter,
    /// parameters on several devices, or a backend without slices, such as the Host kernels).</summary>
    public static FlatAdamState? TryCreate(IReadOnlyList<ParameterGroup> groups)
    {
        var all = groups.SelectMany(g => g.Parameters).ToList();
        if (all.Count == 0) return null;
        var device = all[0].Device;
        if (device.Kernels is not IBufferSlices slices || all.Any(p => !ReferenceEquals(p.Device, device))) return null;
        return new FlatAdamState(device.Kernels, slices, groups);
    }

    /// <summary>The layout of the flat buffers (parameter s in group order).</summary>
    public MultiTensorLayout Layout { get; }

    /// <summary>One update of every parameter that requires grad and has a gradient: one launch once the tensors are in place.</summary>
    public void Step(float scheduleFactor, float beta1, float beta2, float eps, bool decoupled, int t)
    {
        for (int s = 0; s < parameters.Length; s++)
        {
            var p = parameters[s];
            MoveIn(s);
            bool active = p.RequiresGrad && p.Grad is not null;
            var g = groupOf[s];
            Layout.SetTensor(s, active, g.ConstantLearningRate, g.LearningRate, g.WeightDecay);
            updated[s] |= active;
        }
        kernels.AdamUpdateMultiTensor(paramFlat, gradFlat, mFlat, vFlat, Layout, scheduleFactor, beta1, beta2, eps, decoupled, t);
    }

    /// <summary>Moves parameter s and its gradient into their slices unless they are there already.</summary>
    void MoveIn(int s)
    {
        var p = parameters[s];
        int at = Layout.Offset(s), count = p.Count;
        var buffer = p.Buffer;
        if (!ReferenceEquals(buffer, paramHome[s]))
        {
            var home = slices.Slice(paramFlat, at, count);
            kernels.Copy(buffer, 0, home, 0, count, false);
            p.MoveStorage(home);
            paramHome[s] = home;
        }
        MoveGradIn(s);
    }

    /// <summary>Moves parameter s's gradient, if it has one, into its slice of the gradient buffer unless it is there, and takes its new gradients from there.</summary>
    void MoveGradIn(int s)
    {
        var p = parameters[s];
        p.GradAllocator = gradAllocators[s];
        if (p.Grad is { } grad && !ReferenceEquals(grad.Buffer, gradHome[s]))
        {
            int count = p.Count;
            var home = slices.Slice(gradFlat, Layout.Offset(s), count);
            kernels.Copy(grad.Buffer, 0, home, 0, count, false);
            p.AdoptGrad(home);
            gradHome[s] = home;
        }
    }

    /// <summary>
    /// Zeroes every gradient with one fill of the gradient buffer when all existing gradients live there (after the first
    /// step); false when one does not, and the caller zeroes them one by one. Gradients that do not exist stay null.
    /// </summary>
    public bool TryZeroGrads()
    {
        for (int s = 0; s < parameters.Length; s++)
            if (parameters[s].Grad is { } g && !ReferenceEquals(g.Buffer, gradHome[s])) return false;
        kernels.Fill(gradFlat, 0f, 0, Layout.Length);
        return true;
    }

    /// <summary>
    /// Global-norm clipping of every gradient at once over the flat gradient buffer (<see cref="GradClip.Clip"/> with one
    /// vector: 2 + 1 + 1 launches for any number of parameters); null when no parameter has a gradient. Gradients not in
    /// their slice yet (the first step, a gradient made before this optimizer existed) are moved in first, as the step
    /// would move them (a device-to-device copy, once), so that every step clips the same way: a run resumed from a
    /// checkpoint, whose first step would otherwise clip tensor by tensor, gives the same bits as the straight run.
    /// <para>
    /// The whole buffer is reduced and scaled, padding included, rather than each tensor's range: that is one call instead
    /// of one per tensor, and it gives the per-tensor result because everything outside the live gradients is zero.
    /// The padding after each tensor is zero: the buffer is allocated zero-filled (<see cref="IKernels.Allocate"/>), it is
    /// written only through slices of exactly a tensor's length (new gradients, gradients moved in, every op on a gradient)
    /// and by <see cref="TryZeroGrads"/>'s fill with zeros, and this scale multiplies it by a finite factor
    /// (<see cref="IKernels.ClipScale"/> gives 1 for a non-finite norm), which keeps +0. The range of a parameter without a
    /// gradient is zero unless its gradient was dropped (<see cref="Tensor.DropGrad"/>) since the last fill: such ranges are
    /// zeroed here first (one fill each, only then), so that a dropped gradient's old values do not count.
    /// </para>
    /// </summary>
    /// <returns>The norm before clipping, a caller-owned [1] tensor; or null.</returns>
    public Tensor? TryClipGradNorm(float maxNorm)
    {
        bool any = false;
        for (int s = 0; s < parameters.Length; s++)
        {
            if (parameters[s].Grad is not null)
            {
                MoveGradIn(s);
                any = true;
            }
            else if (gradHome[s] is not null)
            {
                kernels.Fill(gradFlat, 0f, Layout.Offset(s), parameters[s].Count); // a dropped gradient's values
                gradHome[s] = null;
            }
        }
        return any ? GradClip.Clip(parameters[0].Device, [(gradFlat, Layout.Length)], maxNorm) : null;
    }

    /// <summary>Parameter <paramref name="p"/>'s moments if it was updated at least once (or they were imported).</summary>
    public bool TryGetMoments(Parameter p, out DeviceBuffer<float> m, out DeviceBuffer<float> v)
    {
        int s = index[p];
        (m, v) = (mSlices[s], vSlices[s]);
        return updated[s];
    }

    /// <summary>Parameter <paramref name="p"/>'s moments, to be overwritten (an import); it counts as updated from now on.</summary>
    public (DeviceBuffer<float> M, DeviceBuffer<float> V) MomentsToWrite(Parameter p)
    {
        int s = index[p];
        updated[s] = true;
        return (mSlices[s], vSlices[s]);
    }

    /// <summary>Resets parameter <paramref name="p"/>'s moments to a fresh start (zero), as a newly built optimizer has them.</summary>
    public void ResetMoments(Parameter p)
    {
        int s = index[p];
        if (!updated[s]) return;
        kernels.Fill(mSlices[s], 0f, 0, p.Count);
        kernels.Fill(vSlices[s], 0f, 0, p.Count);
        updated[s] = false;
    }

    /// <summary>Frees the moments and the tables; parameters and gradients keep their slices (and so the memory under them).</summary>
    public void Dispose()
    {
        for (int s = 0; s < parameters.Length; s++)
        {
            if (parameters[s].GradAllocator == gradAllocators[s]) parameters[s].GradAllocator = null;
            mSlices[s].Dispose();
            vSlices[s].Dispose();
        }
        foreach (var b in new[] { paramFlat, gradFlat, mFlat, vFlat }) b.Dispose();
        Layout.Dispose();
    }
}
