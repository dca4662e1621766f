using NativeDsp.Kernels;

namespace NativeDsp.Engine;

/// <summary>Global-norm gradient clipping (as torch.nn.utils.clip_grad_norm_).</summary>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients by maxNorm / (norm + 1e-6) when their global L2 norm exceeds
    /// <paramref name="maxNorm"/>, entirely on the device (<see cref="IKernels.ClipScale"/>): nothing
    /// is read back, so a GPU training step does not wait here. A non-finite norm scales nothing, so the
    /// caller can stop on it. Launches per parameter with a gradient: its sum of squares
    /// (<see cref="IKernels.SumOfSquares"/>, accumulated) and its scale; <see cref="Adam.ClipGradNormOnDevice"/>
    /// clips the optimizer's flat gradient buffer instead, in a constant number of launches.
    /// </summary>
    /// <param name="parameters">The parameters; those without a gradient are skipped.</param>
    /// <param name="maxNorm">The largest global norm allowed, finite and &gt; 0.</param>
    /// <returns>A caller-owned scalar tensor holding the norm before clipping (0 when no parameter has a
    /// gradient); read it (<see cref="Tensor.Item"/>) only when the value is needed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and &gt; 0.</exception>
    public static Tensor ClipGlobalNormOnDevice(IEnumerable<Tensor> parameters, float maxNorm)
    {
        CheckMaxNorm(maxNorm);
        var withGrad = parameters.Where(p => p.Grad is not null).ToList();
        if (withGrad.Count == 0) return Tensor.Zeros(parameters.FirstOrDefault()?.Device ?? throw new ArgumentException("clip: no parameters", nameof(parameters)), 1);
        return Clip(withGrad[0].Device, withGrad.Select(p => (p.Grad!.Buffer, p.Count)).ToList(), maxNorm);
    }

    /// <summary>
    /// <see cref="ClipGlobalNormOnDevice"/>, then reads the norm back (one device-to-host copy).
    /// </summary>
    /// <returns>The norm before clipping; a non-finite norm is returned as is and nothing was scaled.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and &gt; 0.</exception>
    public static float ClipGlobalNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        using var norm = ClipGlobalNormOnDevice(parameters, maxNorm);
        return norm.Item();
    }

    /// <summary>The clip's argument check, shared by every path.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and &gt; 0.</exception>
    internal static void CheckMaxNorm(float maxNorm)
    {
        if (!(maxNorm > 0f) || float.IsInfinity(maxNorm)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "clip: the maximum norm must be finite and > 0");
    }

    /// <summary>
    /// Clips the vectors <paramref name="gradients"/> (buffer, element count) of <paramref name="device"/> together: the sum of
    /// their squares (one <see cref="IKernels.SumOfSquares"/> per vector, accumulated in order), the norm and factor
    /// (<see cref="IKernels.ClipScale"/>), then one <see cref="IKernels.Binary"/> Mul per vector by the factor, read on the device.
    /// One vector is the optimizer's flat gradient buffer; several are the per-tensor path.
    /// </summary>
    /// <returns>The norm before clipping, a caller-owned [1] tensor.</returns>
    internal static Tensor Clip(Device device, IReadOnlyList<(DeviceBuffer<float> Buffer, int Count)> gradients, float maxNorm)
    {
        var k = device.Kernels;
        var norm = Tensor.Zeros(device, 1);
        using var sumSquares = k.Allocate(1);
        using var scale = k.Allocate(1);
        for (int i = 0; i < gradients.Count; i++) k.SumOfSquares(gradients[i].Buffer, gradients[i].Count, sumSquares, accumulate: i > 0);
        k.ClipScale(sumSquares, norm.Buffer, scale, maxNorm);
        // Binary with period 1 multiplies by scale[0], read on the device.
        foreach (var (buffer, count) in gradients) k.Binary(BinaryOp.Mul, buffer, scale, buffer, count, 1, 1);
        return norm;
    }
}
