using System.Runtime.Intrinsics;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// Matrix multiply without packing, one row of C at a time, for problems too small (or too thin) to
/// repay the packing of <see cref="GemmBlocked"/>: attention's many small batched products and
/// matrix-vector shaped calls. Each row is either a sequence of SIMD axpys over the rows of B
/// (B not transposed: C[i,:] += A[i,p] * B[p,:]) or of SIMD dot products (B transposed: both operands
/// are contiguous along k). Work is split over (batch item, row) pairs.
/// </summary>
static unsafe class GemmSmall
{
    /// <summary>
    /// Rows [rowStart, rowEnd) of the flattened (item, row) index space, columns [colStart, colEnd),
    /// on the calling thread.
    /// </summary>
    public static void Run(VectorWidth width, float[] a, float[] b, float[] c, int m, int n, int k, bool transA, bool transB,
                           long strideA, long strideB, long strideC, float alpha, float beta,
                           int rowStart, int rowEnd, int colStart, int colEnd)
    {
        var vectorWidth = width; // the parameter's name kept for the callers; "columns" is the span of C
        int columns = colEnd - colStart;
        if (columns <= 0) return;
        // A row of A gathered contiguously (only needed when A is transposed and B is too).
        float[]? gathered = transA && transB ? new float[k] : null;
        fixed (float* pa0 = a, pb0 = b, pc0 = c, pg = gathered)
        {
            for (int row = rowStart; row < rowEnd; row++)
            {
                int item = row / m, i = row % m;
                float* pa = pa0 + item * strideA, pb = pb0 + item * strideB;
                float* cr = pc0 + item * strideC + (long)i * n;
                if (!transB)
                {
                    float* cw = cr + colStart;
                    if (beta == 0f) new Span<float>(cw, columns).Clear();
                    else if (beta != 1f) Scale(vectorWidth, cw, columns, beta);
                    for (int p = 0; p < k; p++)
                    {
                        float aip = alpha * (transA ? pa[(long)p * m + i] : pa[(long)i * k + p]);
                        Axpy(vectorWidth, aip, pb + (long)p * n + colStart, cw, columns);
                    }
                }
                else
                {
                    float* ar = pa + (long)i * k;
                    if (transA)
                    {
                        for (int p = 0; p < k; p++) pg[p] = pa[(long)p * m + i];
                        ar = pg;
                    }
                    for (int j = colStart; j < colEnd; j++)
                    {
                        float dot = alpha * Dot(vectorWidth, ar, pb + (long)j * k, k);
                        cr[j] = beta == 0f ? dot : dot + beta * cr[j];
                    }
                }
            }
        }
    }

    static void Scale(VectorWidth width, float* y, int n, float s)
    {
        int j = 0;
        if (width >= VectorWidth.Bits512)
            for (; j <= n - 16; j += 16) Vector512.Store(Vector512.Load(y + j) * s, y + j);
        if (width >= VectorWidth.Bits256)
            for (; j <= n - 8; j += 8) Vector256.Store(Vector256.Load(y + j) * s, y + j);
        for (; j <= n - 4; j += 4) Vector128.Store(Vector128.Load(y + j) * s, y + j);
        for (; j < n; j++) y[j] *= s;
    }

    /// <summary>y += s * x.</summary>
    static void Axpy(VectorWidth width, float s, float* x, float* y, int n)
    {
        int j = 0;
        if (width >= VectorWidth.Bits512)
        {
            var vs = Vector512.Create(s);
            for (; j <= n - 32; j += 32)
            {
                Vector512.Store(Vector512.FusedMultiplyAdd(vs, Vector512.Load(x + j), Vector512.Load(y + j)), y + j);
                Vector512.Store(Vector512.FusedMultiplyAdd(vs, Vector512.Load(x + j + 16), Vector512.Load(y + j + 16)), y + j + 16);
            }
            for (; j <= n - 16; j += 16)
                Vector512.Store(Vector512.FusedMultiplyAdd(vs, Vector512.Load(x + j), Vector512.Load(y + j)), y + j);
        }
        if (width >= VectorWidth.Bits256)
        {
            var vs = Vector256.Create(s);
            for (; j <= n - 8; j += 8)
                Vector256.Store(Vector256.FusedMultiplyAdd(vs, Vector256.Load(x + j), Vector256.Load(y + j)), y + j);
        }
        {
            var vs = Vector128.Create(s);
            for (; j <= n - 4; j += 4)
                Vector128.Store(Vector128.MultiplyAddEstimate(vs, Vector128.Load(x + j), Vector128.Load(y + j)), y + j);
        }
        // The scalar tail fuses only where the 128-bit lanes did (MathF.FusedMultiplyAdd is emulated without FMA).
        if (VectorWidths.Fma128) for (; j < n; j++) y[j] = MathF.FusedMultiplyAdd(s, x[j], y[j]);
        else for (; j < n; j++) y[j] += s * x[j];
    }

    static float Dot(VectorWidth width, float* x, float* y, int n)
    {
        int j = 0;
        float sum = 0f;
        if (width >= VectorWidth.Bits512 && n >= 16)
        {
            // Two accumulators hide the FMA latency on long rows.
            var s0 = Vector512<float>.Zero;
            var s1 = Vector512<float>.Zero;
            for (; j <= n - 32; j += 32)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + j), Vector512.Load(y + j), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(x + j + 16), Vector512.Load(y + j + 16), s1);
            }
            for (; j <= n - 16; j += 16)
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + j), Vector512.Load(y + j), s0);
            sum = Vector512.Sum(s0 + s1);
        }
        else if (width >= VectorWidth.Bits256 && n >= 8)
        {
            var s0 = Vector256<float>.Zero;
            for (; j <= n - 8; j += 8)
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + j), Vector256.Load(y + j), s0);
            sum = Vector256.Sum(s0);
        }
        else if (n >= 4)
        {
            var s0 = Vector128<float>.Zero;
            var s1 = Vector128<float>.Zero;
            for (; j <= n - 8; j += 8)
            {
                s0 = Vector128.MultiplyAddEstimate(Vector128.Load(x + j), Vector128.Load(y + j), s0);
                s1 = Vector128.MultiplyAddEstimate(Vector128.Load(x + j + 4), Vector128.Load(y + j + 4), s1);
            }
            for (; j <= n - 4; j += 4)
                s0 = Vector128.MultiplyAddEstimate(Vector128.Load(x + j), Vector128.Load(y + j), s0);
            sum = Vector128.Sum(s0 + s1);
        }
        if (VectorWidths.Fma128) for (; j < n; j++) sum = MathF.FusedMultiplyAdd(x[j], y[j], sum);
        else for (; j < n; j++) sum += x[j] * y[j];
        return sum;
    }
}
