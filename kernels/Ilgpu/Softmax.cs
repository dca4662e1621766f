using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Row softmax and log-softmax, one thread group per row: the group finds the row's max and sum with
// shared-memory reductions, each thread handling the columns c = tid, tid + groupSize, ...
// Outputs may alias inputs: a thread reads x[c] before writing y[c], and only it touches column c.
public sealed partial class IlgpuKernels
{
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, int>? softmaxForward;
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? softmaxBackward;
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, int>? logSoftmaxForward;
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? logSoftmaxBackward;

    /// <inheritdoc/>
    public void SoftmaxForward(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols)
    {
        KernelContracts.SoftmaxRows(nameof(SoftmaxForward), x, y, rows, cols);
        if (rows == 0 || cols == 0) return;
        softmaxForward ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int>(SoftmaxForwardKernel);
        softmaxForward(new KernelConfig(rows, RowGroupSize(cols)), V(x), V(y), cols);
    }

    /// <inheritdoc/>
    public void SoftmaxBackward(DeviceBuffer<float> y, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int rows, int cols)
    {
        KernelContracts.SoftmaxRowsBackward(nameof(SoftmaxBackward), y, dy, dx, rows, cols);
        if (rows == 0 || cols == 0) return;
        softmaxBackward ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(SoftmaxBackwardKernel);
        softmaxBackward(new KernelConfig(rows, RowGroupSize(cols)), V(y), V(dy), V(dx), cols);
    }

    /// <inheritdoc/>
    public void LogSoftmaxForward(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols)
    {
        KernelContracts.SoftmaxRows(nameof(LogSoftmaxForward), x, y, rows, cols);
        if (rows == 0 || cols == 0) return;
        logSoftmaxForward ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int>(LogSoftmaxForwardKernel);
        logSoftmaxForward(new KernelConfig(rows, RowGroupSize(cols)), V(x), V(y), cols);
    }

    /// <inheritdoc/>
    public void LogSoftmaxBackward(DeviceBuffer<float> y, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int rows, int cols)
    {
        KernelContracts.SoftmaxRowsBackward(nameof(LogSoftmaxBackward), y, dy, dx, rows, cols);
        if (rows == 0 || cols == 0) return;
        logSoftmaxBackward ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(LogSoftmaxBackwardKernel);
        logSoftmaxBackward(new KernelConfig(rows, RowGroupSize(cols)), V(y), V(dy), V(dx), cols);
    }

    [IlgpuKernel]
    static void SoftmaxForwardKernel(ArrayView<float> x, ArrayView<float> y, int cols)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int start = Grid.IdxX * cols;
        float max = float.NegativeInfinity;
        for (int c = Group.IdxX; c < cols; c += Group.DimX) max = MathF.Max(max, x[start + c]);
        max = GroupReduce.Max(scratch, max);
        float sum = 0f;
        for (int c = Group.IdxX; c < cols; c += Group.DimX)
        {
            float e = MathF.Exp(x[start + c] - max);
            y[start + c] = e;
            sum += e;
        }
        float inverse = 1f / GroupReduce.Sum(scratch, sum);
        for (int c = Group.IdxX; c < cols; c += Group.DimX) y[start + c] *= inverse;
    }

    [IlgpuKernel]
    static void SoftmaxBackwardKernel(ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int cols)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int start = Grid.IdxX * cols;
        float dot = 0f;
        for (int c = Group.IdxX; c < cols; c += Group.DimX) dot += dy[start + c] * y[start + c];
        dot = GroupReduce.Sum(scratch, dot);
        for (int c = Group.IdxX; c < cols; c += Group.DimX)
            dx[start + c] += y[start + c] * (dy[start + c] - dot);
    }

    [IlgpuKernel]
    static void LogSoftmaxForwardKernel(ArrayView<float> x, ArrayView<float> y, int cols)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int start = Grid.IdxX * cols;
        float max = float.NegativeInfinity;
        for (int c = Group.IdxX; c < cols; c += Group.DimX) max = MathF.Max(max, x[start + c]);
        max = GroupReduce.Max(scratch, max);
        float sum = 0f;
        for (int c = Group.IdxX; c < cols; c += Group.DimX) sum += MathF.Exp(x[start + c] - max);
        float logSum = MathF.Log(GroupReduce.Sum(scratch, sum));
        for (int c = Group.IdxX; c < cols; c += Group.DimX) y[start + c] = x[start + c] - max - logSum;
    }

    [IlgpuKernel]
    static void LogSoftmaxBackwardKernel(ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int cols)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int start = Grid.IdxX * cols;
        float sum = 0f;
        for (int c = Group.IdxX; c < cols; c += Group.DimX) sum += dy[start + c];
        sum = GroupReduce.Sum(scratch, sum);
        for (int c = Group.IdxX; c < cols; c += Group.DimX)
            dx[start + c] += dy[start + c] - MathF.Exp(y[start + c]) * sum;
    }
}
