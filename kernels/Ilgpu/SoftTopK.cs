using ILGPU;
using ILGPU.Runtime;
using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Kernels.Ilgpu;

// Fused because: composed of primitives, K softmax iterations over H heads would be ~6K launches of
// H-element ops per step, and the plain composition cancels (1 - p) to 0 at small tau; one kernel runs all
// K iterations in float64 in the stable form and saves what an analytic backward needs (every row while K H
// is small, else checkpoints from which the backward pass recomputes each block: SoftTopKLayout).
// Gumbel-soft-top-K on one thread group: thread t owns heads t, t + G, t + 2G, ... for the whole run, so
// the only cross-thread traffic is the group reductions (argmax, sums: warp shuffles, then one shared-memory
// pass over the warps' partials, GroupReduce.cs); K iterations run inside one launch. The math, including why it is written this way (no cancellation in 1 - p_max,
// no overflow in the backward pass), is derived in Host/SoftTopK.cs; this is the same computation
// element for element, with group reductions in place of the Host's vector sums.
public sealed partial class IlgpuKernels
{
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<double>, SoftTopKArgs>? softTopKForward;
    Action<KernelConfig, ArrayView<double>, ArrayView<float>, ArrayView<float>, SoftTopKArgs>? softTopKBackward;

    /// <inheritdoc/>
    public void SoftTopKForward(DeviceBuffer<float> logits, DeviceBuffer<float>? noise, DeviceBuffer<float> mask,
                                DeviceBuffer<double> saved, int heads, int k, double tau)
    {
        PruningChecks.SoftTopKForward(logits, noise, mask, saved, heads, k, tau);
        softTopKForward ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<double>, SoftTopKArgs>(SoftTopKForwardKernel);
        var args = SoftTopKArgs.For(heads, k, tau, hasNoise: noise is not null);
        softTopKForward(new KernelConfig(1, TopKGroupSize(heads)), V(logits), noise is null ? V(logits) : V(noise), V(mask), V(saved), args);
    }

    /// <inheritdoc/>
    public void SoftTopKBackward(DeviceBuffer<double> saved, DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits,
                                 int heads, int k, double tau)
    {
        PruningChecks.SoftTopKBackward(saved, dmask, dlogits, heads, k, tau);
        softTopKBackward ??= Accelerator.LoadStreamKernel<ArrayView<double>, ArrayView<float>, ArrayView<float>, SoftTopKArgs>(SoftTopKBackwardKernel);
        var args = SoftTopKArgs.For(heads, k, tau, hasNoise: false);
        softTopKBackward(new KernelConfig(1, TopKGroupSize(heads)), V(saved), V(dmask), V(dlogits), args);
    }

    /// <inheritdoc/>
    /// <remarks>One launch per relaxed segment on its subviews (the kernel runs on one thread group, so the launches
    /// queue on the stream; a grid of one group per segment would overlap them), after filling the constant gates.</remarks>
    public void SoftTopKSegmentsForward(DeviceBuffer<float> logits, DeviceBuffer<float>? noise, DeviceBuffer<float> mask,
                                        DeviceBuffer<double> saved, int units, IReadOnlyList<SoftTopKSegment> segments, double tau)
    {
        PruningChecks.SoftTopKSegmentsForward(logits, noise, mask, saved, units, segments, tau);
        softTopKForward ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<double>, SoftTopKArgs>(SoftTopKForwardKernel);
        Fill(mask, 1f, 0, units);
        var (offsets, _) = SoftTopKSegment.SavedLayout(segments);
        for (int i = 0; i < segments.Count; i++)
        {
            var seg = segments[i];
            if (seg.K == 0 && seg.Count > 0) Fill(mask, 0f, seg.Offset, seg.Count);
            if (!seg.Relaxed) continue;
            var w = V(logits).SubView(seg.Offset, seg.Count);
            softTopKForward(new KernelConfig(1, TopKGroupSize(seg.Count)), w, noise is null ? w : V(noise).SubView(seg.Offset, seg.Count),
                            V(mask).SubView(seg.Offset, seg.Count), V(saved).SubView(offsets[i], SoftTopKLayout.SavedLength(seg.Count, seg.K)),
                            SoftTopKArgs.For(seg.Count, seg.K, tau, hasNoise: noise is not null));
        }
    }

    /// <inheritdoc/>
    public void SoftTopKSegmentsBackward(DeviceBuffer<double> saved, DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits,
                                         int units, IReadOnlyList<SoftTopKSegment> segments, double tau)
    {
        PruningChecks.SoftTopKSegmentsBackward(saved, dmask, dlogits, units, segments, tau);
        softTopKBackward ??= Accelerator.LoadStreamKernel<ArrayView<double>, ArrayView<float>, ArrayView<float>, SoftTopKArgs>(SoftTopKBackwardKernel);
        var (offsets, _) = SoftTopKSegment.SavedLayout(segments);
        for (int i = 0; i < segments.Count; i++)
        {
            var seg = segments[i];
            if (!seg.Relaxed) continue;
            softTopKBackward(new KernelConfig(1, TopKGroupSize(seg.Count)), V(saved).SubView(offsets[i], SoftTopKLayout.SavedLength(seg.Count, seg.K)),
                             V(dmask).SubView(seg.Offset, seg.Count), V(dlogits).SubView(seg.Offset, seg.Count), SoftTopKArgs.For(seg.Count, seg.K, tau, hasNoise: false));
        }
    }

    internal struct SoftTopKArgs
    {
        public int Heads, K, HasNoise;
        /// <summary>C and N of <see cref="SoftTopKLayout"/>, and where the per-iteration pairs and the workspace start.</summary>
        public int Interval, Checkpoints, Pairs, Workspace;
        public double Tau, InvTau;

        public static SoftTopKArgs For(int heads, int k, double tau, bool hasNoise) => new()
        {
            Heads = heads, K = k, HasNoise = hasNoise ? 1 : 0, Tau = tau, InvTau = 1.0 / tau,
            Interval = SoftTopKLayout.CheckpointInterval(heads, k), Checkpoints = SoftTopKLayout.Checkpoints(heads, k),
            Pairs = SoftTopKLayout.ArgmaxOffset(heads, k, 0), Workspace = SoftTopKLayout.WorkspaceOffset(heads, k),
        };
    }

    /// <summary>
    /// <see cref="RowGroupSize"/> for one row of H heads, except on the
    /// CPU accelerator, which runs each thread of a group on an OS thread and makes every barrier a
    /// rendezvous of all of them, at most 8: enough to exercise the strided loops and the reduction trees.
    /// </summary>
    int TopKGroupSize(int heads)
    {
        int cap = Kind == BackendKind.IlgpuCpu ? Math.Min(8, GroupSize) : GroupSize;
        return Math.Clamp(CeilPow2(heads), Math.Min(cap, Accelerator.WarpSize), cap);
    }

    [IlgpuKernel]
    static void SoftTopKForwardKernel(ArrayView<float> w, ArrayView<float> g, ArrayView<float> mask, ArrayView<double> saved, SoftTopKArgs a)
    {
        var values = SharedMemory.Allocate<double>(GroupReduce.MaxGroupSize);
        var indices = SharedMemory.Allocate<int>(GroupReduce.MaxGroupSize);
        int t = Group.IdxX, n = Group.DimX, h = a.Heads, k = a.K, work = a.Workspace;
        for (int i = t; i < h; i += n)
        {
            saved[i] = (a.HasNoise != 0 ? (double)w[i] + g[i] : w[i]) / a.Tau; // checkpoint 0
            saved[work + i] = 0.0;
        }
        for (int j = 0; j < k; j++)
        {
            int row = Iteration(saved, values, indices, a, j);
            // The mask is the sum of the rows in iteration order: each thread adds its own entries.
            double code = saved[a.Pairs + 2 * j];
            bool ratios = SoftTopKLayout.RowHoldsRatios(code);
            int m = SoftTopKLayout.DecodeArgmax(code);
            for (int i = t; i < h; i += n)
                saved[work + i] += ratios ? (i == m ? 1.0 : 0.0) : saved[row + i]; // ratio rows: p_m = 1, the others < 1e-280
        }
        for (int i = t; i < h; i += n) mask[i] = (float)saved[work + i];
    }

    /// <summary>
    /// Iteration j of the forward pass by the whole group (see Host/SoftTopK.cs): fills its block row from its
    /// checkpoint at a block's start, turns x_j into p_j (or ratios), writes x_{j+1} to the next row and saves the
    /// argmax code and q_j. A pure function of x_j (recomputation gives the same bits). Returns the row's start;
    /// ends with a barrier.
    /// </summary>
    static int Iteration(ArrayView<double> saved, ArrayView<double> values, ArrayView<int> indices, SoftTopKArgs a, int j)
    {
        int t = Group.IdxX, n = Group.DimX, h = a.Heads, k = a.K, c = a.Interval, nc = a.Checkpoints;
        int r = j % c;
        int row = (nc + r) * h;
        int next = r == c - 1 ? (j / c + 1) * h : row + h;
        bool last = j == k - 1;
        if (r == 0)
            for (int i = t; i < h; i += n) saved[row + i] = saved[(j / c) * h + i]; // own entries; ArgMax's barrier publishes them

        double best = double.NegativeInfinity;
        int bestIndex = h; // a sentinel above every head: threads without heads never win
        for (int i = t; i < h; i += n)
        {
            double v = saved[row + i];
            if (v > best) { best = v; bestIndex = i; }
        }
        int m = GroupReduce.ArgMax(values, indices, best, bestIndex);
        double xMax = saved[row + m];
        Group.Barrier(); // everyone has read x_m before its owner overwrites it below

        double part = 0.0;
        for (int i = t; i < h; i += n)
        {
            double d = i == m ? 0.0 : saved[row + i] - xMax;
            if (!last) saved[next + i] = d;
            double e = i == m ? 1.0 : d >= SoftTopKLayout.FlushBelow ? Math.Exp(d) : 0.0;
            saved[row + i] = e;
            if (i != m) part += e;
        }
        double rest = GroupReduce.Sum(values, part);

        // The ratio band (SoftTopKLayout.RatioBand): S recomputed exactly by a log-sum-exp. Every
        // condition below comes from a group reduction, so the whole group takes the same branch.
        bool ratios = false;
        if (!last && rest < SoftTopKLayout.RatioBand)
        {
            double second = double.NegativeInfinity;
            for (int i = t; i < h; i += n)
                if (i != m) second = Math.Max(second, saved[next + i]);
            second = GroupReduce.Max(values, second);
            rest = 0.0;
            if (second >= SoftTopKLayout.LogEps - Math.Log(h))
            {
                double partSum = 0.0;
                for (int i = t; i < h; i += n)
                    if (i != m) partSum += Math.Exp(saved[next + i] - second);
                double logRest = second + Math.Log(GroupReduce.Sum(values, partSum));
                rest = Math.Exp(logRest);
                if (rest > SoftTopKLayout.Eps)
                {
                    ratios = true;
                    for (int i = t; i < h; i += n)
                    {
                        saved[row + i] = i == m ? 1.0 : Math.Exp(saved[next + i] - logRest);
                        if (i == m) saved[next + i] = logRest * a.InvTau;
                    }
                }
            }
        }

        double z = 1.0 + rest, invZ = 1.0 / z;
        if (!ratios)
        {
            for (int i = t; i < h; i += n)
            {
                double p = i == m ? invZ : saved[row + i] * invZ;
                saved[row + i] = p;
                if (!last)
                {
                    double l = i == m && rest < 1.0 ? Math.Max(Math.Log(rest) - Math.Log(z), SoftTopKLayout.LogEps) : Math.Log(1.0 - p);
                    saved[next + i] += l * a.InvTau;
                }
            }
        }
        if (t == 0)
        {
            saved[a.Pairs + 2 * j] = SoftTopKLayout.EncodeArgmax(m, ratios);
            saved[a.Pairs + 2 * j + 1] = rest * invZ;
        }
        Group.Barrier();
        return row;
    }

    [IlgpuKernel]
    static void SoftTopKBackwardKernel(ArrayView<double> saved, ArrayView<float> dmask, ArrayView<float> dw, SoftTopKArgs a)
    {
        var sumsA = SharedMemory.Allocate<double>(GroupReduce.MaxGroupSize);
        var sumsB = SharedMemory.Allocate<double>(GroupReduce.MaxGroupSize);
        var indices = SharedMemory.Allocate<int>(GroupReduce.MaxGroupSize);
        int t = Group.IdxX, n = Group.DimX, h = a.Heads, k = a.K, c = a.Interval, nc = a.Checkpoints;
        int dr = a.Workspace, odds = dr + 2 * h;
        for (int i = t; i < h; i += n) saved[dr + i] = 0.0;
        Group.Barrier();

        for (int b = nc - 1; b >= 0; b--)
        {
            int start = b * c, end = Math.Min(k, start + c);
            // One block is still in the rows from the forward pass; otherwise every block is recomputed from its
            // checkpoint (the last one too: an earlier backward call may have overwritten it). The workspace's
            // dL/dr is untouched by the recomputation.
            if (nc > 1)
                for (int j = start; j < end; j++) Iteration(saved, sumsA, indices, a, j);

            for (int j = end - 1; j >= start; j--)
            {
                int row = (nc + j % c) * h;
                double code = saved[a.Pairs + 2 * j];
                int m = SoftTopKLayout.DecodeArgmax(code);
                double q = saved[a.Pairs + 2 * j + 1];
                bool open = q > SoftTopKLayout.Eps;
                double pm = saved[row + m], drm = saved[dr + m];
                Group.Barrier(); // every thread has read dr_m before its owner changes it

                if (SoftTopKLayout.RowHoldsRatios(code))
                {
                    // Row j holds p_i / q (i != m), p_m = 1: only the dr_m terms survive (see Host/SoftTopK.cs).
                    double fromMax = drm * pm;
                    for (int i = t; i < h; i += n)
                    {
                        double v = i == m ? drm + (pm * dmask[m] * q - drm * pm) * a.InvTau : saved[dr + i] + fromMax * saved[row + i] * a.InvTau;
                        saved[dr + i] = Math.Min(Math.Max(v, -SoftTopKLayout.GradientLimit), SoftTopKLayout.GradientLimit);
                    }
                    Group.Barrier();
                    continue;
                }

                double cc = 0.0, tt = 0.0;
                for (int i = t; i < h; i += n)
                {
                    if (i == m) continue;
                    double p = saved[row + i];
                    double o = p / (1.0 - p);
                    saved[odds + i] = o;
                    cc += dmask[i] * p;
                    tt += saved[dr + i] * o;
                }
                cc = GroupReduce.Sum(sumsA, cc) + dmask[m] * pm;
                tt = GroupReduce.Sum(sumsB, tt);
                double shared = tt - cc;
                double toOthers = open ? drm * pm : 0.0;
                double invQ = open ? 1.0 / q : 0.0;
                for (int i = t; i < h; i += n)
                {
                    double da;
                    if (i == m)
                        da = pm * (dmask[m] + shared) - (open ? drm * pm : 0.0);
                    else
                    {
                        double p = saved[row + i];
                        da = p * (dmask[i] + shared) - saved[dr + i] * saved[odds + i] + toOthers * (p * invQ);
                    }
                    double v = saved[dr + i] + da * a.InvTau;
                    saved[dr + i] = Math.Min(Math.Max(v, -SoftTopKLayout.GradientLimit), SoftTopKLayout.GradientLimit);
                }
                Group.Barrier();
            }
        }

        for (int i = t; i < h; i += n) dw[i] += (float)saved[dr + i];
    }
}
