using System.Buffers;
using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// Row sums and the adjoint of a broadcast (bias and broadcast-factor gradients).
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void ReduceRows(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols, float scale)
    {
        KernelContracts.ReduceRows(x, y, rows, cols);
        var (xa, ya) = (A(x), A(y));
        HostParallel.For(rows, cols, (start, end) =>
        {
            for (int r = start; r < end; r++) ya[r] = scale * TensorPrimitives.Sum(xa.AsSpan(r * cols, cols));
        });
    }

    /// <inheritdoc/>
    public void ReduceBroadcast(DeviceBuffer<float> x, DeviceBuffer<float>? x2, DeviceBuffer<float> db, int n, int period, int inner, bool accumulate)
    {
        KernelContracts.ReduceBroadcast(x, x2, db, n, period, inner);
        var (xa, x2a, da) = (A(x), x2 is null ? null : A(x2), A(db));
        var dbSpan = da.AsSpan(0, period);
        if (!accumulate) dbSpan.Clear();
        if (n == 0) return;

        if (inner == 1)
        {
            // Rows of length period summed into db; in parallel each range sums into its own partial row.
            int rows = (n + period - 1) / period;
            int chunks = HostParallel.Chunks(rows, period);
            if (chunks == 1) { SumRowsInto(xa, x2a, dbSpan, 0, rows, n, period); return; }
            float[] partial = ArrayPool<float>.Shared.Rent(chunks * period);
            try
            {
                Array.Clear(partial, 0, chunks * period);
                HostParallel.For(chunks, rows, (c, start, end) => SumRowsInto(xa, x2a, partial.AsSpan(c * period, period), start, end, n, period));
                for (int c = 0; c < chunks; c++) TensorPrimitives.Add(dbSpan, partial.AsSpan(c * period, period), dbSpan);
            }
            finally { ArrayPool<float>.Shared.Return(partial); }
        }
        else
        {
            // Blocks of inner elements reduce to one value; parallel over j so that no two ranges write one db[j].
            int blocks = (n + inner - 1) / inner;
            HostParallel.For(period, (long)(blocks / period + 1) * inner, (start, end) =>
            {
                for (int j = start; j < end; j++)
                {
                    double sum = 0;
                    for (int q = j; q < blocks; q += period)
                    {
                        int at = q * inner, len = Math.Min(inner, n - at);
                        sum += x2a is null ? TensorPrimitives.Sum(xa.AsSpan(at, len)) : TensorPrimitives.Dot(xa.AsSpan(at, len), x2a.AsSpan(at, len));
                    }
                    da[j] += (float)sum;
                }
            });
        }
    }

    static void SumRowsInto(float[] x, float[]? x2, Span<float> acc, int startRow, int endRow, int n, int period)
    {
        for (int r = startRow; r < endRow; r++)
        {
            int at = r * period, len = Math.Min(period, n - at);
            var row = x.AsSpan(at, len);
            var dst = acc[..len];
            if (x2 is null) TensorPrimitives.Add(dst, row, dst);
            else TensorPrimitives.MultiplyAdd(row, x2.AsSpan(at, len), dst, dst);
        }
    }
}
