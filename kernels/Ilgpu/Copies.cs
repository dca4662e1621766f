using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Fills, copies and axis swaps: one thread per output element, auto-grouped.
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, float>? fill;
    Action<Index1D, ArrayView<float>, ArrayView<float>, int>? copy;
    Action<Index1D, ArrayView<float>, ArrayView<float>, Copy2DArgs>? copy2D;
    Action<Index1D, ArrayView<float>, ArrayView<float>, SwapAxesArgs>? swapAxes12;

    /// <inheritdoc/>
    public void Fill(DeviceBuffer<float> y, float value, int offset, int count)
    {
        KernelContracts.Fill(y, offset, count);
        if (count == 0) return;
        fill ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(FillKernel);
        fill(count, V(y).SubView(offset, count), value);
    }

    /// <inheritdoc/>
    public void Copy(DeviceBuffer<float> src, int srcOffset, DeviceBuffer<float> dst, int dstOffset, int count, bool accumulate)
    {
        KernelContracts.Copy(src, srcOffset, dst, dstOffset, count);
        if (count == 0) return;
        copy ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(CopyKernel);
        copy(count, V(src).SubView(srcOffset, count), V(dst).SubView(dstOffset, count), accumulate ? 1 : 0);
    }

    /// <inheritdoc/>
    public void Copy2D(DeviceBuffer<float> src, int srcOffset, int srcStride,
                       DeviceBuffer<float> dst, int dstOffset, int dstStride,
                       int rows, int cols, bool accumulate)
    {
        int count = KernelContracts.Copy2D(src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, cols);
        if (count == 0) return;
        copy2D ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Copy2DArgs>(Copy2DKernel);
        copy2D(count, V(src), V(dst), new Copy2DArgs
        {
            SrcOffset = srcOffset, SrcStride = srcStride, DstOffset = dstOffset, DstStride = dstStride,
            Cols = cols, Accumulate = accumulate ? 1 : 0,
        });
    }

    /// <inheritdoc/>
    public void SwapAxes12(DeviceBuffer<float> x, DeviceBuffer<float> y, int d0, int d1, int d2, int d3, bool accumulate)
    {
        int count = KernelContracts.SwapAxes12(x, y, d0, d1, d2, d3);
        if (count == 0) return;
        swapAxes12 ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, SwapAxesArgs>(SwapAxes12Kernel);
        swapAxes12(count, V(x), V(y), new SwapAxesArgs { D1 = d1, D2 = d2, D3 = d3, Accumulate = accumulate ? 1 : 0 });
    }

    internal struct Copy2DArgs
    {
        public int SrcOffset, SrcStride, DstOffset, DstStride, Cols, Accumulate;
    }

    internal struct SwapAxesArgs
    {
        public int D1, D2, D3, Accumulate;
    }

    [IlgpuKernel]
    static void FillKernel(Index1D i, ArrayView<float> y, float value) => y[i] = value;

    [IlgpuKernel]
    static void CopyKernel(Index1D i, ArrayView<float> src, ArrayView<float> dst, int accumulate) =>
        dst[i] = accumulate != 0 ? dst[i] + src[i] : src[i];

    [IlgpuKernel]
    static void Copy2DKernel(Index1D index, ArrayView<float> src, ArrayView<float> dst, Copy2DArgs a)
    {
        int i = index;
        int r = i / a.Cols, c = i - r * a.Cols;
        int s = a.SrcOffset + r * a.SrcStride + c, d = a.DstOffset + r * a.DstStride + c;
        dst[d] = a.Accumulate != 0 ? dst[d] + src[s] : src[s];
    }

    /// <summary>One thread per element of y [d0, d2, d1, d3]: writes are contiguous, reads contiguous along d3.</summary>
    [IlgpuKernel]
    static void SwapAxes12Kernel(Index1D index, ArrayView<float> x, ArrayView<float> y, SwapAxesArgs a)
    {
        int o = index;
        int d = o % a.D3, t = o / a.D3;
        int i1 = t % a.D1; t /= a.D1;
        int i2 = t % a.D2;
        int i0 = t / a.D2;
        int s = ((i0 * a.D1 + i1) * a.D2 + i2) * a.D3 + d;
        y[o] = a.Accumulate != 0 ? y[o] + x[s] : x[s];
    }
}
