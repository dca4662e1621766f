using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Element-wise arithmetic: one thread per element, auto-grouped.
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, BinaryArgs>? binary;
    Action<Index1D, ArrayView<float>, ArrayView<float>, float, float>? scaleShift;
    Action<Index1D, float, ArrayView<float>, ArrayView<float>>? axpy;
    long binaryLaunches;

    /// <summary>Launches of the <see cref="Binary"/> kernel so far: tests count them around a gradient clip (one scale per tensor, or one for all).</summary>
    public long BinaryLaunches => Interlocked.Read(ref binaryLaunches);

    /// <inheritdoc/>
    public void Binary(BinaryOp op, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> y, int n, int period, int inner)
    {
        KernelContracts.Binary(op, a, b, y, n, period, inner);
        if (n == 0) return;
        binary ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, BinaryArgs>(BinaryKernel);
        Interlocked.Increment(ref binaryLaunches);
        binary(n, V(a), V(b), V(y), new BinaryArgs { Op = (int)op, Period = period, Inner = inner });
    }

    /// <inheritdoc/>
    public void ScaleShift(DeviceBuffer<float> x, DeviceBuffer<float> y, int n, float alpha, float beta)
    {
        KernelContracts.ScaleShift(x, y, n);
        if (n == 0) return;
        scaleShift ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float, float>(ScaleShiftKernel);
        scaleShift(n, V(x), V(y), alpha, beta);
    }

    /// <inheritdoc/>
    public void Axpy(float alpha, DeviceBuffer<float> x, DeviceBuffer<float> y, int n)
    {
        KernelContracts.Axpy(x, y, n);
        if (n == 0) return;
        axpy ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, float, ArrayView<float>, ArrayView<float>>(AxpyKernel);
        axpy(n, alpha, V(x), V(y));
    }

    internal struct BinaryArgs
    {
        public int Op, Period, Inner;
    }

    [IlgpuKernel]
    static void BinaryKernel(Index1D index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, BinaryArgs args)
    {
        int i = index;
        float u = a[i], w = b[(i / args.Inner) % args.Period];
        // The op is the same for every thread of a launch, so this branch never diverges.
        y[i] = args.Op switch
        {
            (int)BinaryOp.Add => u + w,
            (int)BinaryOp.Sub => u - w,
            (int)BinaryOp.Mul => u * w,
            _ => u / w,
        };
    }

    [IlgpuKernel]
    static void ScaleShiftKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, float alpha, float beta) =>
        y[i] = alpha * x[i] + beta;

    [IlgpuKernel]
    static void AxpyKernel(Index1D i, float alpha, ArrayView<float> x, ArrayView<float> y) =>
        y[i] += alpha * x[i];
}
