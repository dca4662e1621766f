using System.Buffers;
using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// The sum of squares of one vector (global-norm gradient clipping). Fixed blocks of BlockLength floats are summed
// by TensorPrimitives (float, SIMD, in parallel over blocks) and the block sums added in order in double, so the
// result depends only on n and the vector width, not on how the blocks were spread over threads.
public sealed partial class HostKernels
{
    /// <summary>Floats per block of <see cref="SumOfSquares"/>: large enough for the SIMD loop, small enough that a float block sum stays accurate.</summary>
    const int SumOfSquaresBlock = 4096;

    /// <inheritdoc/>
    public void SumOfSquares(DeviceBuffer<float> x, int n, DeviceBuffer<float> result, bool accumulate)
    {
        KernelContracts.SumOfSquares(x, n, result);
        var (xa, ra) = (A(x), A(result));
        int blocks = (int)(((long)n + SumOfSquaresBlock - 1) / SumOfSquaresBlock);
        double[] partial = ArrayPool<double>.Shared.Rent(Math.Max(blocks, 1));
        try
        {
            HostParallel.For(blocks, SumOfSquaresBlock, (start, end) =>
            {
                for (int b = start; b < end; b++)
                {
                    int at = b * SumOfSquaresBlock;
                    partial[b] = TensorPrimitives.SumOfSquares(xa.AsSpan(at, Math.Min(SumOfSquaresBlock, n - at)));
                }
            });
            double total = accumulate ? ra[0] : 0.0;
            for (int b = 0; b < blocks; b++) total += partial[b];
            ra[0] = (float)total;
        }
        finally { ArrayPool<double>.Shared.Return(partial); }
    }
}
