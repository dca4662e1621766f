using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Fused because: as primitives (mean, subtract, square, mean, rsqrt, scale, shift) it is ~7 passes over
// [rows, cols] and ~5 saved tensors; fused it is one pass forward and saves only mean and rstd per row.
// Layer norm over the last axis. Forward and the dx part of backward: one group per row. dgamma and
// dbeta are column sums over rows, done by a second kernel that reads rows coalesced (like a bias
// gradient) instead of atomics, so they are deterministic.
public sealed partial class IlgpuKernels
{
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LayerNormArgs>? layerNormForward;
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LayerNormArgs>? layerNormBackwardInput;
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LayerNormArgs>? layerNormBackwardParams;

    /// <inheritdoc/>
    public void LayerNormForward(DeviceBuffer<float> x, DeviceBuffer<float> gamma, DeviceBuffer<float> beta,
                                 DeviceBuffer<float> y, DeviceBuffer<float> mean, DeviceBuffer<float> rstd,
                                 int rows, int cols, float eps)
    {
        KernelContracts.LayerNormForward(x, gamma, beta, y, mean, rstd, rows, cols, eps);
        var args = new LayerNormArgs { Rows = rows, Cols = cols, Eps = eps };
        if (rows == 0) return;
        layerNormForward ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LayerNormArgs>(LayerNormForwardKernel);
        layerNormForward(new KernelConfig(rows, RowGroupSize(cols)), V(x), V(gamma), V(beta), V(y), V(mean), V(rstd), args);
    }

    /// <inheritdoc/>
    public void LayerNormBackward(DeviceBuffer<float> dy, DeviceBuffer<float> x, DeviceBuffer<float> gamma,
                                  DeviceBuffer<float> mean, DeviceBuffer<float> rstd,
                                  DeviceBuffer<float> dx, DeviceBuffer<float> dgamma, DeviceBuffer<float> dbeta,
                                  int rows, int cols)
    {
        KernelContracts.LayerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols);
        var args = new LayerNormArgs { Rows = rows, Cols = cols, Eps = 0f };
        if (rows == 0) return;
        layerNormBackwardInput ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LayerNormArgs>(LayerNormBackwardInputKernel);
        layerNormBackwardInput(new KernelConfig(rows, RowGroupSize(cols)), V(dy), V(x), V(gamma), V(mean), V(rstd), V(dx), args);
        layerNormBackwardParams ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LayerNormArgs>(LayerNormBackwardParamsKernel);
        int width = ColumnGroupWidth;
        var groups = new Index2D((cols + width - 1) / width, 1);
        layerNormBackwardParams(new KernelConfig(groups, new Index2D(width, GroupSize / width)), V(dy), V(x), V(mean), V(rstd), V(dgamma), V(dbeta), args);
    }

    internal struct LayerNormArgs
    {
        public int Rows, Cols;
        public float Eps;
    }

    /// <summary>Two passes over the row (mean, then squared deviations): stable where E[x^2] - E[x]^2 is not.</summary>
    [IlgpuKernel]
    static void LayerNormForwardKernel(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y,
                                       ArrayView<float> mean, ArrayView<float> rstd, LayerNormArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int row = Grid.IdxX, cols = a.Cols, start = row * cols;
        float sum = 0f;
        for (int c = Group.IdxX; c < cols; c += Group.DimX) sum += x[start + c];
        float mu = GroupReduce.Sum(scratch, sum) / cols;
        float squares = 0f;
        for (int c = Group.IdxX; c < cols; c += Group.DimX)
        {
            float d = x[start + c] - mu;
            squares += d * d;
        }
        float r = 1f / MathF.Sqrt(GroupReduce.Sum(scratch, squares) / cols + a.Eps);
        for (int c = Group.IdxX; c < cols; c += Group.DimX)
            y[start + c] = (x[start + c] - mu) * r * gamma[c] + beta[c];
        if (Group.IdxX == 0)
        {
            mean[row] = mu;
            rstd[row] = r;
        }
    }

    /// <summary>dx += rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * gamma, xhat = (x - mean) * rstd.</summary>
    [IlgpuKernel]
    static void LayerNormBackwardInputKernel(ArrayView<float> dy, ArrayView<float> x, ArrayView<float> gamma,
                                             ArrayView<float> mean, ArrayView<float> rstd, ArrayView<float> dx, LayerNormArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int row = Grid.IdxX, cols = a.Cols, start = row * cols;
        float mu = mean[row], r = rstd[row];
        float sumG = 0f, sumGX = 0f;
        for (int c = Group.IdxX; c < cols; c += Group.DimX)
        {
            float g = dy[start + c] * gamma[c];
            sumG += g;
            sumGX += g * (x[start + c] - mu) * r;
        }
        float meanG = GroupReduce.Sum(scratch, sumG) / cols;
        float meanGX = GroupReduce.Sum(scratch, sumGX) / cols;
        for (int c = Group.IdxX; c < cols; c += Group.DimX)
        {
            float xHat = (x[start + c] - mu) * r;
            dx[start + c] += r * (dy[start + c] * gamma[c] - meanG - xHat * meanGX);
        }
    }

    /// <summary>dgamma[c] += sum_r dy * xhat, dbeta[c] += sum_r dy: the column-sum layout of ReduceColumnsKernel.</summary>
    [IlgpuKernel]
    static void LayerNormBackwardParamsKernel(ArrayView<float> dy, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> rstd,
                                              ArrayView<float> dgamma, ArrayView<float> dbeta, LayerNormArgs a)
    {
        var gammaScratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        var betaScratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int tx = Group.IdxX, ty = Group.IdxY, width = Group.DimX;
        int c = Grid.IdxX * width + tx;
        float sumGamma = 0f, sumBeta = 0f;
        if (c < a.Cols)
        {
            for (int row = ty; row < a.Rows; row += Group.DimY)
            {
                int i = row * a.Cols + c;
                float g = dy[i];
                sumGamma += g * (x[i] - mean[row]) * rstd[row];
                sumBeta += g;
            }
        }
        gammaScratch[ty * width + tx] = sumGamma;
        betaScratch[ty * width + tx] = sumBeta;
        Group.Barrier();
        if (ty == 0 && c < a.Cols)
        {
            float totalGamma = 0f, totalBeta = 0f;
            for (int lane = 0; lane < Group.DimY; lane++)
            {
                totalGamma += gammaScratch[lane * width + tx];
                totalBeta += betaScratch[lane * width + tx];
            }
            dgamma[c] += totalGamma;
            dbeta[c] += totalBeta;
        }
    }
}
