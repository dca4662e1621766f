using System.Buffers;
using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// Fused because: as primitives (mean, subtract, square, mean, rsqrt, scale, shift) it is ~7 passes over
// [rows, cols] and ~5 saved tensors; fused it is one pass forward and saves only mean and rstd per row.
// Layer norm over the last axis (biased variance), forward and fused backward.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void LayerNormForward(DeviceBuffer<float> x, DeviceBuffer<float> gamma, DeviceBuffer<float> beta,
                                 DeviceBuffer<float> y, DeviceBuffer<float> mean, DeviceBuffer<float> rstd,
                                 int rows, int cols, float eps)
    {
        KernelContracts.LayerNormForward(x, gamma, beta, y, mean, rstd, rows, cols, eps);
        var (xa, ga, ba, ya, ma, ra) = (A(x), A(gamma), A(beta), A(y), A(mean), A(rstd));
        HostParallel.For(rows, cols, (start, end) =>
        {
            for (int r = start; r < end; r++)
            {
                int at = r * cols;
                float mu = TensorPrimitives.Sum(xa.AsSpan(at, cols)) / cols;
                // Two passes (mean, then squared deviations) avoid E[x^2] - E[x]^2 cancellation.
                var squares = new SquaredDeviationLoop(xa, mu);
                float variance = VectorLoop.Run(ref squares, at, at + cols) / cols;
                float rs = 1f / MathF.Sqrt(variance + eps);
                ma[r] = mu;
                ra[r] = rs;
                var normalize = new LayerNormForwardLoop(xa, ga, ba, ya, at, mu, rs);
                VectorLoop.Run(ref normalize, 0, cols);
            }
        });
    }

    /// <inheritdoc/>
    public void LayerNormBackward(DeviceBuffer<float> dy, DeviceBuffer<float> x, DeviceBuffer<float> gamma,
                                  DeviceBuffer<float> mean, DeviceBuffer<float> rstd,
                                  DeviceBuffer<float> dx, DeviceBuffer<float> dgamma, DeviceBuffer<float> dbeta,
                                  int rows, int cols)
    {
        KernelContracts.LayerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols);
        long n = (long)rows * cols;
        var (dya, xa, ga, ma, ra) = (A(dy), A(x), A(gamma), A(mean), A(rstd));
        var (dxa, dga, dba) = (A(dx), A(dgamma), A(dbeta));
        if (n == 0) return;

        // dgamma and dbeta sum over rows: each parallel range sums into its own partial rows, added at the end.
        int chunks = HostParallel.Chunks(rows, 2L * cols);
        if (chunks == 1) { LayerNormBackwardRows(dya, xa, ga, ma, ra, dxa, dga, dba, 0, 0, 0, rows, cols); return; }
        float[] partial = ArrayPool<float>.Shared.Rent(2 * chunks * cols);
        try
        {
            Array.Clear(partial, 0, 2 * chunks * cols);
            HostParallel.For(chunks, rows, (c, start, end) =>
                LayerNormBackwardRows(dya, xa, ga, ma, ra, dxa, partial, partial, 2 * c * cols, (2 * c + 1) * cols, start, end, cols));
            for (int c = 0; c < chunks; c++)
            {
                TensorPrimitives.Add(dga.AsSpan(0, cols), partial.AsSpan(2 * c * cols, cols), dga.AsSpan(0, cols));
                TensorPrimitives.Add(dba.AsSpan(0, cols), partial.AsSpan((2 * c + 1) * cols, cols), dba.AsSpan(0, cols));
            }
        }
        finally { ArrayPool<float>.Shared.Return(partial); }
    }

    /// <summary>
    /// With xhat = (x - mean) rstd and g = dy * gamma:
    /// dx += rstd * (g - mean_c(g) - xhat * mean_c(g * xhat)), dgamma += dy * xhat, dbeta += dy.
    /// </summary>
    static void LayerNormBackwardRows(float[] dy, float[] x, float[] gamma, float[] mean, float[] rstd, float[] dx,
                                      float[] dgamma, float[] dbeta, int dgammaAt, int dbetaAt, int startRow, int endRow, int cols)
    {
        for (int r = startRow; r < endRow; r++)
        {
            int at = r * cols;
            var sums = new LayerNormRowSumsLoop(dy, x, gamma, at, mean[r], rstd[r]);
            VectorLoop.Run(ref sums, 0, cols);
            var (sumG, sumGXhat) = sums.Totals;
            var apply = new LayerNormBackwardLoop(dy, x, gamma, dx, dgamma, dbeta, at, dgammaAt, dbetaAt,
                                                  mean[r], rstd[r], sumG / cols, sumGXhat / cols);
            VectorLoop.Run(ref apply, 0, cols);
        }
    }

    /// <summary>Sum of (x - mean)^2.</summary>
    readonly struct SquaredDeviationLoop(float[] x, float mean) : IVectorLoop
    {
        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV m = TV.Broadcast(mean), acc = TV.Broadcast(0f);
            for (; i + TV.Count <= end; i += TV.Count)
            {
                var d = TV.Load(x, i) - m;
                acc = TV.Fma(d, d, acc);
            }
            return TV.Sum(acc);
        }
    }

    /// <summary>y = (x - mean) * rstd * gamma + beta over one row; i runs over columns, the row starts at rowAt.</summary>
    readonly struct LayerNormForwardLoop(float[] x, float[] gamma, float[] beta, float[] y, int rowAt, float mean, float rstd) : IVectorLoop
    {
        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV m = TV.Broadcast(mean), rs = TV.Broadcast(rstd);
            for (; i + TV.Count <= end; i += TV.Count)
            {
                var xhat = (TV.Load(x, rowAt + i) - m) * rs;
                TV.Store(TV.Fma(xhat, TV.Load(gamma, i), TV.Load(beta, i)), y, rowAt + i);
            }
            return 0f;
        }
    }

    /// <summary>Both row sums of the backward pass in one sweep: sum(g) and sum(g * xhat). Mutable: it keeps the second sum.</summary>
    struct LayerNormRowSumsLoop(float[] dy, float[] x, float[] gamma, int rowAt, float mean, float rstd) : IVectorLoop
    {
        float sumG, sumGXhat;

        public readonly (float, float) Totals => (sumG, sumGXhat);

        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV m = TV.Broadcast(mean), rs = TV.Broadcast(rstd), accG = TV.Broadcast(0f), accGX = TV.Broadcast(0f);
            for (; i + TV.Count <= end; i += TV.Count)
            {
                var g = TV.Load(dy, rowAt + i) * TV.Load(gamma, i);
                var xhat = (TV.Load(x, rowAt + i) - m) * rs;
                accG += g;
                accGX = TV.Fma(g, xhat, accGX);
            }
            sumG += TV.Sum(accG);
            sumGXhat += TV.Sum(accGX);
            return 0f;
        }
    }

    readonly struct LayerNormBackwardLoop(float[] dy, float[] x, float[] gamma, float[] dx, float[] dgamma, float[] dbeta,
                                          int rowAt, int dgammaAt, int dbetaAt, float mean, float rstd, float meanG, float meanGXhat) : IVectorLoop
    {
        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV m = TV.Broadcast(mean), rs = TV.Broadcast(rstd), mg = TV.Broadcast(meanG), mgx = TV.Broadcast(meanGXhat);
            for (; i + TV.Count <= end; i += TV.Count)
            {
                var d = TV.Load(dy, rowAt + i);
                var xhat = (TV.Load(x, rowAt + i) - m) * rs;
                var g = d * TV.Load(gamma, i);
                var inner = g - mg - xhat * mgx;
                TV.Store(TV.Fma(rs, inner, TV.Load(dx, rowAt + i)), dx, rowAt + i);
                TV.Store(TV.Fma(d, xhat, TV.Load(dgamma, dgammaAt + i)), dgamma, dgammaAt + i);
                TV.Store(TV.Load(dbeta, dbetaAt + i) + d, dbeta, dbetaAt + i);
            }
            return 0f;
        }
    }
}
