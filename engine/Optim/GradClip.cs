namespace NativeDsp.Engine;

/// <summary>Global-norm gradient clipping (as torch.nn.utils.clip_grad_norm_).</summary>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients by maxNorm / (norm + 1e-6) when their global L2 norm exceeds
    /// <paramref name="maxNorm"/>, entirely on the device (<see cref="Kernels.IKernels.ClipScale"/>): nothing
    /// is read back, so a GPU training step does not wait here. A non-finite norm scales nothing, so the
    /// caller can stop on it.
    /// </summary>
    /// <param name="parameters">The parameters; those without a gradient are skipped.</param>
    /// <param name="maxNorm">The largest global norm allowed, finite and &gt; 0.</param>
    /// <returns>A caller-owned scalar tensor holding the norm before clipping (0 when no parameter has a
    /// gradient); read it (<see cref="Tensor.Item"/>) only when the value is needed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and &gt; 0.</exception>
    public static Tensor ClipGlobalNormOnDevice(IEnumerable<Tensor> parameters, float maxNorm)
    {
        if (!(maxNorm > 0f) || float.IsInfinity(maxNorm)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "clip: the maximum norm must be finite and > 0");
        var withGrad = parameters.Where(p => p.Grad is not null).ToList();
        if (withGrad.Count == 0) return Tensor.Zeros(parameters.FirstOrDefault()?.Device ?? throw new ArgumentException("clip: no parameters", nameof(parameters)), 1);
        var device = withGrad[0].Device;
        var k = device.Kernels;
        var norm = Tensor.Zeros(device, 1);
        using var sumSquares = k.Allocate(1);
        using var scale = k.Allocate(1);
        // The adjoint-of-broadcast op with period 1 (one block of n) is a dot product: sum_i g_i * g_i,
        // accumulated over the tensors.
        foreach (var p in withGrad) k.ReduceBroadcast(p.Grad!.Buffer, p.Grad.Buffer, sumSquares, p.Count, 1, Math.Max(p.Count, 1), accumulate: true);
        k.ClipScale(sumSquares, norm.Buffer, scale, maxNorm);
        // Binary with period 1 multiplies by scale[0], read on the device.
        foreach (var p in withGrad) k.Binary(Kernels.BinaryOp.Mul, p.Grad!.Buffer, scale, p.Grad.Buffer, p.Count, 1, 1);
        return norm;
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
}
