using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// Fill, copies, strided block copies and the [B,T,H,D] <-> [B,H,T,D] permute.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void Fill(DeviceBuffer<float> y, float value, int offset, int count)
    {
        KernelContracts.Fill(y, offset, count);
        var ya = A(y);
        ya.AsSpan(offset, count).Fill(value);
    }

    /// <inheritdoc/>
    public void Copy(DeviceBuffer<float> src, int srcOffset, DeviceBuffer<float> dst, int dstOffset, int count, bool accumulate)
    {
        KernelContracts.Copy(src, srcOffset, dst, dstOffset, count);
        var (s, d) = (A(src), A(dst));
        HostParallel.For(count, 1, (start, end) =>
        {
            var from = s.AsSpan(srcOffset + start, end - start);
            var to = d.AsSpan(dstOffset + start, end - start);
            if (accumulate) TensorPrimitives.Add(to, from, to);
            else from.CopyTo(to);
        });
    }

    /// <inheritdoc/>
    public void Copy2D(DeviceBuffer<float> src, int srcOffset, int srcStride, DeviceBuffer<float> dst, int dstOffset, int dstStride,
                       int rows, int cols, bool accumulate)
    {
        if (KernelContracts.Copy2D(src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, cols) == 0) return;
        var (s, d) = (A(src), A(dst));
        HostParallel.For(rows, cols, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                var from = s.AsSpan(srcOffset + r * srcStride, cols);
                var to = d.AsSpan(dstOffset + r * dstStride, cols);
                if (accumulate) TensorPrimitives.Add(to, from, to);
                else from.CopyTo(to);
            }
        });
    }

    /// <inheritdoc/>
    public void SwapAxes12(DeviceBuffer<float> x, DeviceBuffer<float> y, int d0, int d1, int d2, int d3, bool accumulate)
    {
        if (KernelContracts.SwapAxes12(x, y, d0, d1, d2, d3) == 0) return;
        var (xa, ya) = (A(x), A(y));
        // Each (a, i) of x is a contiguous [d2, d3] slab whose rows scatter to y with stride d1 * d3.
        HostParallel.For(d0 * d1, (long)d2 * d3, (start, end) =>
        {
            for (int ai = start; ai < end; ai++)
            {
                int a = ai / d1, i = ai % d1;
                for (int j = 0; j < d2; j++)
                {
                    var from = xa.AsSpan(((a * d1 + i) * d2 + j) * d3, d3);
                    var to = ya.AsSpan(((a * d2 + j) * d1 + i) * d3, d3);
                    if (accumulate) TensorPrimitives.Add(to, from, to);
                    else from.CopyTo(to);
                }
            }
        });
    }
}
