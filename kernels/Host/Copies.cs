using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// Fill, copies, strided block copies and the [B,T,H,D] <-> [B,H,T,D] permute.
public sealed partial class HostKernels
{
    public void Fill(DeviceBuffer<float> y, float value, int offset, int count)
    {
        NonNegative(nameof(Fill), "offset, count", offset, count);
        var ya = Need(y, (long)offset + count, nameof(Fill), nameof(y), "offset + count", offset, count);
        ya.AsSpan(offset, count).Fill(value);
    }

    public void Copy(DeviceBuffer<float> src, int srcOffset, DeviceBuffer<float> dst, int dstOffset, int count, bool accumulate)
    {
        const string op = nameof(Copy);
        NonNegative(op, "srcOffset, dstOffset, count", srcOffset, dstOffset, count);
        var s = Need(src, (long)srcOffset + count, op, nameof(src), "srcOffset + count", srcOffset, count);
        var d = Need(dst, (long)dstOffset + count, op, nameof(dst), "dstOffset + count", dstOffset, count);
        Require(!ReferenceEquals(s, d) || srcOffset >= dstOffset + count || dstOffset >= srcOffset + count,
            op, $"source [{srcOffset}, {srcOffset + count}) and destination [{dstOffset}, {dstOffset + count}) overlap in one buffer");
        HostParallel.For(count, 1, (start, end) =>
        {
            var from = s.AsSpan(srcOffset + start, end - start);
            var to = d.AsSpan(dstOffset + start, end - start);
            if (accumulate) TensorPrimitives.Add(to, from, to);
            else from.CopyTo(to);
        });
    }

    public void Copy2D(DeviceBuffer<float> src, int srcOffset, int srcStride, DeviceBuffer<float> dst, int dstOffset, int dstStride,
                       int rows, int cols, bool accumulate)
    {
        const string op = nameof(Copy2D);
        NonNegative(op, "srcOffset, srcStride, dstOffset, dstStride, rows, cols", srcOffset, srcStride, dstOffset, dstStride, rows, cols);
        if (rows == 0 || cols == 0) return;
        Require(rows == 1 || (srcStride >= cols && dstStride >= cols), op,
            $"strides (src {srcStride}, dst {dstStride}) must be >= cols {cols} so that rows do not overlap");
        var s = Need(src, srcOffset + (long)(rows - 1) * srcStride + cols, op, nameof(src), "srcOffset, srcStride, rows, cols", srcOffset, srcStride, rows, cols);
        var d = Need(dst, dstOffset + (long)(rows - 1) * dstStride + cols, op, nameof(dst), "dstOffset, dstStride, rows, cols", dstOffset, dstStride, rows, cols);
        Require(!ReferenceEquals(s, d), op, "source and destination are the same buffer");
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

    public void SwapAxes12(DeviceBuffer<float> x, DeviceBuffer<float> y, int d0, int d1, int d2, int d3, bool accumulate)
    {
        const string op = nameof(SwapAxes12);
        NonNegative(op, "d0, d1, d2, d3", d0, d1, d2, d3);
        long n = (long)d0 * d1 * d2 * d3;
        var xa = Need(x, n, op, nameof(x), "d0, d1, d2, d3", d0, d1, d2, d3);
        var ya = Need(y, n, op, nameof(y), "d0, d1, d2, d3", d0, d1, d2, d3);
        if (n == 0) return;
        Require(!ReferenceEquals(xa, ya), op, "x and y are the same buffer");
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
