using System.Runtime.CompilerServices;
using ILGPU;

namespace NativeDsp.Kernels.Ilgpu;

/// <summary>
/// Tree reductions over one thread group in shared memory, for the row-wise kernels (one group per
/// row). The group size must be a power of two no larger than <see cref="MaxGroupSize"/>; every thread
/// of the group must call (they contain barriers) and all get the result. A fixed tree keeps the
/// summation order, and so the result, identical from run to run.
/// </summary>
static class GroupReduce
{
    /// <summary>Size of the shared scratch the row kernels allocate; their groups use at most this many threads.</summary>
    public const int MaxGroupSize = 256;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(ArrayView<float> scratch, float value)
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
        Group.Barrier(); // the scratch is reused by the next reduction
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(ArrayView<float> scratch, float value)
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
}
