namespace NativeDsp.Engine;

/// <summary>Gradient clipping by global norm.</summary>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients by maxNorm / norm when their global L2 norm exceeds <paramref name="maxNorm"/>
    /// (as torch.nn.utils.clip_grad_norm_). Returns the norm before clipping; a non-finite norm is
    /// returned as is and nothing is scaled, so the caller can stop on it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive.</exception>
    public static float ClipGlobalNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        if (!(maxNorm > 0f)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "clip: the maximum norm must be positive");
        var withGrad = parameters.Where(p => p.Grad is not null).ToList();
        if (withGrad.Count == 0) return 0f;
        var k = withGrad[0].Device.Kernels;
        float norm;
        using (var sumSquares = k.Allocate(1))
        {
            // The adjoint-of-broadcast op with period 1 (one block of n) is a dot product: sum_i g_i * g_i,
            // accumulated over the tensors.
            foreach (var p in withGrad) k.ReduceBroadcast(p.Grad!.Buffer, p.Grad.Buffer, sumSquares, p.Count, 1, Math.Max(p.Count, 1), accumulate: true);
            Span<float> total = stackalloc float[1];
            sumSquares.CopyTo(total);
            norm = MathF.Sqrt(total[0]);
        }
        if (float.IsFinite(norm) && norm > maxNorm)
        {
            float scale = maxNorm / (norm + 1e-6f);
            foreach (var p in withGrad) k.ScaleShift(p.Grad!.Buffer, p.Grad.Buffer, p.Count, scale, 0f);
        }
        return norm;
    }
}
