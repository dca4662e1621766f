using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// The sum of squares of one long vector: the global gradient norm of clipping, over the optimizer's flat gradient
// buffer (109.5 M floats, 438 MB for BERT-base). ReduceBroadcast with period 1 gives such a sum to ONE group (one SM
// streaming the whole vector: ~1/132 of the H200's bandwidth), so this op has its own grid-wide kernel, run twice:
//   pass 1: G groups (G = min(ceil(n / group), MaxSumGroups)); thread t of group g adds x[i]^2 for
//           i = g * group + t, then i += G * group (grid-stride: neighbouring threads read neighbouring floats), the
//           group adds its threads' sums (GroupReduce.Sum) and writes partial[g];
//   pass 2: one group adds partial[0..G) the same way (without squaring) into result[0].
// No atomics and no data-dependent order: every addition's place depends only on n and the group size, so a result
// is the same on every run. When one group covers n (G = 1), pass 1 writes the result directly (one launch).
// Accuracy: a thread adds at most ceil(n / (G * group)) squares in sequence (420 for BERT-base at G = 1024, group
// 256), then log2 / warp-order steps; all terms are >= 0, so the relative error is at most that depth times 2^-24
// (~3e-5 for BERT-base, well inside what a clipping threshold needs).
public sealed partial class IlgpuKernels
{
    /// <summary>
    /// Most groups of <see cref="SumOfSquares"/>'s first pass: ~8 groups of 256 threads per SM of an H200 (132 SMs), enough
    /// loads in flight to stream at full bandwidth; more groups would only lengthen the one-group second pass.
    /// </summary>
    public const int MaxSumGroups = 1024;

    Action<KernelConfig, ArrayView<float>, ArrayView<float>, SumArgs>? sumOfSquares;
    MemoryBuffer1D<float, Stride1D.Dense>? sumPartials; // pass 1's partial sums; one per accelerator, kept
    long sumOfSquaresLaunches;

    /// <summary>Launches of the <see cref="SumOfSquares"/> kernel so far (1 or 2 per call, whatever n): tests read it around a gradient clip.</summary>
    public long SumOfSquaresLaunches => Interlocked.Read(ref sumOfSquaresLaunches);

    /// <inheritdoc/>
    public void SumOfSquares(DeviceBuffer<float> x, int n, DeviceBuffer<float> result, bool accumulate)
    {
        KernelContracts.SumOfSquares(x, n, result);
        if (n == 0)
        {
            if (!accumulate) Fill(result, 0f, 0, 1);
            return;
        }
        sumOfSquares ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, SumArgs>(SumOfSquaresKernel);
        int group = GroupSize;
        int groups = (int)Math.Min(((long)n + group - 1) / group, MaxSumGroups);
        var last = new SumArgs { N = n, Square = 1, Accumulate = accumulate ? 1 : 0 };
        if (groups == 1)
        {
            Interlocked.Increment(ref sumOfSquaresLaunches);
            sumOfSquares(new KernelConfig(1, RowGroupSize(n)), V(x), V(result), last);
            return;
        }
        // The partials are reused by every call without waiting: both passes are queued on the one default stream,
        // so this call's pass 1 runs after the previous call's pass 2 has read them (ops are issued from one thread,
        // as every lazily loaded kernel here assumes).
        if (sumPartials is null)
        {
            sumPartials = Accelerator.Allocate1D<float>(MaxSumGroups);
            Interlocked.Increment(ref allocations);
        }
        var partials = sumPartials.View.SubView(0, groups);
        Interlocked.Add(ref sumOfSquaresLaunches, 2);
        sumOfSquares(new KernelConfig(groups, group), V(x), partials, last with { Accumulate = 0 });
        sumOfSquares(new KernelConfig(1, RowGroupSize(groups)), partials, V(result), last with { N = groups, Square = 0 });
    }

    internal struct SumArgs
    {
        public int N, Square, Accumulate;
    }

    /// <summary>y[group] (= or +=) the sum over this group's grid-stride elements of x[i]^2 (Square = 1) or x[i].</summary>
    [IlgpuKernel]
    static void SumOfSquaresKernel(ArrayView<float> x, ArrayView<float> y, SumArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        long stride = (long)Grid.DimX * Group.DimX;
        float sum = 0f;
        // long: i + stride may pass 2^31 on the last step of a vector near that length.
        for (long i = (long)Grid.IdxX * Group.DimX + Group.IdxX; i < a.N; i += stride)
        {
            float v = x[i];
            sum += a.Square != 0 ? v * v : v;
        }
        sum = GroupReduce.Sum(scratch, sum);
        if (Group.IdxX == 0) y[Grid.IdxX] = a.Accumulate != 0 ? y[Grid.IdxX] + sum : sum;
    }
}
