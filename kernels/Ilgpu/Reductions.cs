using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Sums: row sums (one group per row) and the adjoint of a broadcast. Every sum is a fixed tree or a
// fixed loop order, never atomics, so a result does not change from run to run.
// One group per output: a single total (period 1) runs on one group, i.e. one SM; that is fine for the small
// scalar broadcasts it serves, but a long vector's sum of squares (the gradient norm) uses SumOfSquares.cs.
public sealed partial class IlgpuKernels
{
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float>? reduceRows;
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceBroadcastArgs>? reduceColumns;
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceBroadcastArgs>? reduceBroadcastGroups;
    long reduceBroadcastLaunches;

    /// <summary>Launches of the <see cref="ReduceBroadcast"/> kernels so far: tests count them around a gradient clip (which no longer uses them).</summary>
    public long ReduceBroadcastLaunches => Interlocked.Read(ref reduceBroadcastLaunches);

    /// <inheritdoc/>
    public void ReduceRows(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols, float scale)
    {
        KernelContracts.ReduceRows(x, y, rows, cols);
        if (rows == 0) return;
        reduceRows ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, float>(ReduceRowsKernel);
        reduceRows(new KernelConfig(rows, RowGroupSize(cols)), V(x), V(y), cols, scale);
    }

    /// <inheritdoc/>
    public void ReduceBroadcast(DeviceBuffer<float> x, DeviceBuffer<float>? x2, DeviceBuffer<float> db,
                                int n, int period, int inner, bool accumulate)
    {
        KernelContracts.ReduceBroadcast(x, x2, db, n, period, inner);
        long span = (long)period * inner;
        var args = new ReduceBroadcastArgs
        {
            N = n, Period = period, Inner = inner, Outer = (int)((n + span - 1) / span),
            HasX2 = x2 is null ? 0 : 1, Accumulate = accumulate ? 1 : 0,
        };
        var x2View = x2 is null ? V(x) : V(x2); // not read when HasX2 = 0
        Interlocked.Increment(ref reduceBroadcastLaunches);
        int columnWidth = ColumnGroupWidth;
        if (inner == 1 && period >= columnWidth)
        {
            // A bias gradient: column sums of an [outer, period] matrix, read row by row so that
            // neighbouring threads read neighbouring elements.
            reduceColumns ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceBroadcastArgs>(ReduceColumnsKernel);
            var groups = new Index2D((period + columnWidth - 1) / columnWidth, 1);
            reduceColumns(new KernelConfig(groups, new Index2D(columnWidth, GroupSize / columnWidth)), V(x), x2View, V(db), args);
        }
        else
        {
            // One group per output: for inner > 1 its threads walk contiguous runs of inner elements.
            reduceBroadcastGroups ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceBroadcastArgs>(ReduceBroadcastGroupsKernel);
            long perOutput = (long)args.Outer * inner;
            reduceBroadcastGroups(new KernelConfig(period, RowGroupSize((int)Math.Min(perOutput, int.MaxValue))), V(x), x2View, V(db), args);
        }
    }

    /// <summary>Threads along a row of the column-sum kernels (a warp's worth of neighbouring columns).</summary>
    int ColumnGroupWidth => Math.Min(32, GroupSize);

    internal struct ReduceBroadcastArgs
    {
        public int N, Period, Inner, Outer, HasX2, Accumulate;
    }

    [IlgpuKernel]
    static void ReduceRowsKernel(ArrayView<float> x, ArrayView<float> y, int cols, float scale)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int row = Grid.IdxX, start = row * cols;
        float sum = 0f;
        for (int c = Group.IdxX; c < cols; c += Group.DimX) sum += x[start + c];
        sum = GroupReduce.Sum(scratch, sum);
        if (Group.IdxX == 0) y[row] = scale * sum;
    }

    /// <summary>
    /// Group (width, lanes): thread (tx, ty) sums column j = block * width + tx over rows ty, ty + lanes, ...;
    /// the lanes are then added in shared memory in a fixed order.
    /// </summary>
    [IlgpuKernel]
    static void ReduceColumnsKernel(ArrayView<float> x, ArrayView<float> x2, ArrayView<float> db, ReduceBroadcastArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int tx = Group.IdxX, ty = Group.IdxY, width = Group.DimX;
        int j = Grid.IdxX * width + tx;
        float sum = 0f;
        if (j < a.Period)
        {
            for (int o = ty; o < a.Outer; o += Group.DimY)
            {
                int i = o * a.Period + j;
                if (i < a.N) sum += a.HasX2 != 0 ? x[i] * x2[i] : x[i];
            }
        }
        scratch[ty * width + tx] = sum;
        Group.Barrier();
        if (ty == 0 && j < a.Period)
        {
            float total = 0f;
            for (int lane = 0; lane < Group.DimY; lane++) total += scratch[lane * width + tx];
            db[j] = a.Accumulate != 0 ? db[j] + total : total;
        }
    }

    /// <summary>Group j sums the elements i = o * period * inner + j * inner + q over o and q.</summary>
    [IlgpuKernel]
    static void ReduceBroadcastGroupsKernel(ArrayView<float> x, ArrayView<float> x2, ArrayView<float> db, ReduceBroadcastArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int j = Grid.IdxX;
        int span = a.Period * a.Inner, count = a.Outer * a.Inner;
        float sum = 0f;
        for (int m = Group.IdxX; m < count; m += Group.DimX)
        {
            int o = m / a.Inner, q = m - o * a.Inner;
            int i = o * span + j * a.Inner + q;
            if (i < a.N) sum += a.HasX2 != 0 ? x[i] * x2[i] : x[i];
        }
        sum = GroupReduce.Sum(scratch, sum);
        if (Group.IdxX == 0) db[j] = a.Accumulate != 0 ? db[j] + sum : sum;
    }
}
