using System.Runtime.CompilerServices;
using ILGPU;

namespace NativeDsp.Kernels.Ilgpu;

/// <summary>
/// Reductions over one thread group, for the row-wise kernels (one group per row). Every thread of the group
/// must call (they contain barriers) and all get the result. The group size must be a power of two no larger
/// than <see cref="MaxGroupSize"/>.
/// Groups of at least a warp reduce with warp shuffles (issue 18): each warp folds its values with
/// <see cref="Warp.ShuffleDown{T}(T, int)"/> (log2(warp) register exchanges, no shared memory, no barrier), lane 0
/// of each warp writes one partial, and after one barrier every thread adds the group's few partials (8 on
/// CUDA's 256-thread groups) in warp order. That is 2 barriers instead of the shared-memory tree's
/// 2 + log2(group) (10 at 256 threads). Smaller groups (below a warp: only on a CPU accelerator with large
/// warps) keep the tree. Both orders are fixed, so a result is identical from run to run.
/// The float64 overloads and <see cref="ArgMax"/> serve the pruning kernels (soft top-K, Hard Concrete's penalty),
/// whose K sequential iterations are latency-bound: each of their reductions drops from 2 + log2(group) barriers
/// to 2. A 64-bit shuffle is two 32-bit ones (ILGPU splits it). The float and float64 versions are written out
/// side by side on purpose: one generic version would need generic math (static abstract interface calls) in
/// device code, which these kernels do not ask ILGPU's IL frontend to compile.
/// </summary>
static class GroupReduce
{
    /// <summary>Size of the shared scratch the row kernels allocate; their groups use at most this many threads.</summary>
    public const int MaxGroupSize = 256;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(ArrayView<float> scratch, float value)
    {
        if (Group.DimX < Warp.WarpSize) return TreeSum(scratch, value);
        for (int offset = Warp.WarpSize / 2; offset > 0; offset >>= 1)
            value += Warp.ShuffleDown(value, offset);
        if (Warp.LaneIdx == 0) scratch[Warp.WarpIdx] = value;
        Group.Barrier();
        float total = scratch[0];
        int warps = Group.DimX / Warp.WarpSize;
        for (int w = 1; w < warps; w++) total += scratch[w];
        Group.Barrier(); // the scratch is reused by the next reduction
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(ArrayView<float> scratch, float value)
    {
        if (Group.DimX < Warp.WarpSize) return TreeMax(scratch, value);
        for (int offset = Warp.WarpSize / 2; offset > 0; offset >>= 1)
            value = MathF.Max(value, Warp.ShuffleDown(value, offset));
        if (Warp.LaneIdx == 0) scratch[Warp.WarpIdx] = value;
        Group.Barrier();
        float max = scratch[0];
        int warps = Group.DimX / Warp.WarpSize;
        for (int w = 1; w < warps; w++) max = MathF.Max(max, scratch[w]);
        Group.Barrier();
        return max;
    }

    static float TreeSum(ArrayView<float> scratch, float value)
    {
        int t = Group.IdxX;
        scratch[t] = value;
        Group.Barrier();
        for (int half = Group.DimX / 2; half > 0; half >>= 1)
        {
            if (t < half) scratch[t] += scratch[t + half];
            Group.Barrier();
        }
        float total = scratch[0];
        Group.Barrier();
        return total;
    }

    static float TreeMax(ArrayView<float> scratch, float value)
    {
        int t = Group.IdxX;
        scratch[t] = value;
        Group.Barrier();
        for (int half = Group.DimX / 2; half > 0; half >>= 1)
        {
            if (t < half) scratch[t] = MathF.Max(scratch[t], scratch[t + half]);
            Group.Barrier();
        }
        float max = scratch[0];
        Group.Barrier();
        return max;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(ArrayView<double> scratch, double value)
    {
        if (Group.DimX < Warp.WarpSize) return TreeSum(scratch, value);
        for (int offset = Warp.WarpSize / 2; offset > 0; offset >>= 1)
            value += Warp.ShuffleDown(value, offset);
        if (Warp.LaneIdx == 0) scratch[Warp.WarpIdx] = value;
        Group.Barrier();
        double total = scratch[0];
        int warps = Group.DimX / Warp.WarpSize;
        for (int w = 1; w < warps; w++) total += scratch[w];
        Group.Barrier();
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Max(ArrayView<double> scratch, double value)
    {
        if (Group.DimX < Warp.WarpSize) return TreeMax(scratch, value);
        for (int offset = Warp.WarpSize / 2; offset > 0; offset >>= 1)
            value = Math.Max(value, Warp.ShuffleDown(value, offset));
        if (Warp.LaneIdx == 0) scratch[Warp.WarpIdx] = value;
        Group.Barrier();
        double max = scratch[0];
        int warps = Group.DimX / Warp.WarpSize;
        for (int w = 1; w < warps; w++) max = Math.Max(max, scratch[w]);
        Group.Barrier();
        return max;
    }

    /// <summary>
    /// The index of the largest value over the group, the lowest index among equal values (so the result does not
    /// depend on the reduction order); every thread gets it. <paramref name="values"/> and <paramref name="indices"/>
    /// are shared scratch of <see cref="MaxGroupSize"/> entries.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ArgMax(ArrayView<double> values, ArrayView<int> indices, double value, int index)
    {
        if (Group.DimX < Warp.WarpSize) return TreeArgMax(values, indices, value, index);
        for (int offset = Warp.WarpSize / 2; offset > 0; offset >>= 1)
        {
            // A lane whose partner is past the warp's end gets its own pair back: no change.
            double other = Warp.ShuffleDown(value, offset);
            int otherIndex = Warp.ShuffleDown(index, offset);
            if (Wins(other, otherIndex, value, index)) { value = other; index = otherIndex; }
        }
        if (Warp.LaneIdx == 0)
        {
            values[Warp.WarpIdx] = value;
            indices[Warp.WarpIdx] = index;
        }
        Group.Barrier();
        double best = values[0];
        int bestIndex = indices[0];
        int warps = Group.DimX / Warp.WarpSize;
        for (int w = 1; w < warps; w++)
            if (Wins(values[w], indices[w], best, bestIndex)) { best = values[w]; bestIndex = indices[w]; }
        Group.Barrier();
        return bestIndex;
    }

    /// <summary>Whether (value, index) beats (best, bestIndex): larger, or equal with a lower index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool Wins(double value, int index, double best, int bestIndex) => value > best || (value == best && index < bestIndex);

    static double TreeSum(ArrayView<double> scratch, double value)
    {
        int t = Group.IdxX;
        scratch[t] = value;
        Group.Barrier();
        for (int half = Group.DimX / 2; half > 0; half >>= 1)
        {
            if (t < half) scratch[t] += scratch[t + half];
            Group.Barrier();
        }
        double total = scratch[0];
        Group.Barrier();
        return total;
    }

    static double TreeMax(ArrayView<double> scratch, double value)
    {
        int t = Group.IdxX;
        scratch[t] = value;
        Group.Barrier();
        for (int half = Group.DimX / 2; half > 0; half >>= 1)
        {
            if (t < half) scratch[t] = Math.Max(scratch[t], scratch[t + half]);
            Group.Barrier();
        }
        double max = scratch[0];
        Group.Barrier();
        return max;
    }

    static int TreeArgMax(ArrayView<double> values, ArrayView<int> indices, double value, int index)
    {
        int t = Group.IdxX;
        values[t] = value;
        indices[t] = index;
        Group.Barrier();
        for (int half = Group.DimX / 2; half > 0; half >>= 1)
        {
            if (t < half && Wins(values[t + half], indices[t + half], values[t], indices[t]))
            {
                values[t] = values[t + half];
                indices[t] = indices[t + half];
            }
            Group.Barrier();
        }
        int result = indices[0];
        Group.Barrier();
        return result;
    }
}
