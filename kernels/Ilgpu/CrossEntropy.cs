using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Fused because: log-softmax + gather + smoothing as primitives materialises [rows, C] log-probabilities
// (C = the vocabulary in MT, the largest tensor of a step); fused it saves only lse per row.
// Log-softmax + label-smoothed cross-entropy, fused. Forward: one group per row (max, then sum of exp
// and sum of logits in one pass). Backward needs no reduction given the saved lse: one thread per logit.
// Targets are device data and are never read back here: the engine validates them on the host where they
// are made. A target outside [0, cols) that is not ignoreIndex gives a NaN loss for its row (and no
// out-of-bounds read), as on Host.
public sealed partial class IlgpuKernels
{
    Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, CrossEntropyArgs>? crossEntropyForward;
    Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, CrossEntropyArgs>? crossEntropyBackward;

    /// <inheritdoc/>
    public void CrossEntropyForward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> loss,
                                    DeviceBuffer<float> lse, int rows, int cols, int ignoreIndex, float smoothing)
    {
        KernelContracts.CrossEntropyForward(logits, targets, loss, lse, rows, cols, smoothing);
        var args = new CrossEntropyArgs { Cols = cols, IgnoreIndex = ignoreIndex, Smoothing = smoothing };
        if (rows == 0) return;
        crossEntropyForward ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, CrossEntropyArgs>(CrossEntropyForwardKernel);
        crossEntropyForward(new KernelConfig(rows, RowGroupSize(cols)), V(logits), V(targets), V(loss), V(lse), args);
    }

    /// <inheritdoc/>
    public void CrossEntropyBackward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> lse,
                                     DeviceBuffer<float> dloss, DeviceBuffer<float> dlogits,
                                     int rows, int cols, int ignoreIndex, float smoothing)
    {
        KernelContracts.CrossEntropyBackward(logits, targets, lse, dloss, dlogits, rows, cols, smoothing);
        var args = new CrossEntropyArgs { Cols = cols, IgnoreIndex = ignoreIndex, Smoothing = smoothing };
        if (rows == 0) return;
        crossEntropyBackward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, CrossEntropyArgs>(CrossEntropyBackwardKernel);
        crossEntropyBackward(rows * cols, V(logits), V(targets), V(lse), V(dloss), V(dlogits), args);
    }

    internal struct CrossEntropyArgs
    {
        public int Cols, IgnoreIndex;
        public float Smoothing;
    }

    /// <summary>
    /// With z_c = x_c - max and S = sum_c exp(z_c): logp_c = z_c - log S, so
    /// sum_c logp_c = sum_c z_c - C log S; both sums come from one pass over the row.
    /// </summary>
    [IlgpuKernel]
    static void CrossEntropyForwardKernel(ArrayView<float> logits, ArrayView<int> targets, ArrayView<float> loss,
                                          ArrayView<float> lse, CrossEntropyArgs a)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int row = Grid.IdxX, cols = a.Cols, start = row * cols;
        float max = float.NegativeInfinity;
        for (int c = Group.IdxX; c < cols; c += Group.DimX) max = MathF.Max(max, logits[start + c]);
        max = GroupReduce.Max(scratch, max);
        float sumExp = 0f, sumShifted = 0f;
        for (int c = Group.IdxX; c < cols; c += Group.DimX)
        {
            float z = logits[start + c] - max;
            sumExp += MathF.Exp(z);
            sumShifted += z;
        }
        sumExp = GroupReduce.Sum(scratch, sumExp);
        sumShifted = GroupReduce.Sum(scratch, sumShifted);
        if (Group.IdxX != 0) return;
        float logSum = MathF.Log(sumExp);
        lse[row] = max + logSum;
        int t = targets[row];
        if (t == a.IgnoreIndex) loss[row] = 0f;
        else if (t < 0 || t >= cols) loss[row] = float.NaN;
        else
        {
            float logpTarget = logits[start + t] - max - logSum;
            float sumLogp = sumShifted - cols * logSum;
            loss[row] = -(1f - a.Smoothing) * logpTarget - a.Smoothing / cols * sumLogp;
        }
    }

    [IlgpuKernel]
    static void CrossEntropyBackwardKernel(Index1D index, ArrayView<float> logits, ArrayView<int> targets, ArrayView<float> lse,
                                           ArrayView<float> dloss, ArrayView<float> dlogits, CrossEntropyArgs a)
    {
        int i = index;
        int row = i / a.Cols, c = i - row * a.Cols;
        int t = targets[row];
        if (t == a.IgnoreIndex) return;
        float p = MathF.Exp(logits[i] - lse[row]);
        float target = c == t ? 1f - a.Smoothing : 0f;
        dlogits[i] += dloss[row] * (p - target - a.Smoothing / a.Cols);
    }
}
