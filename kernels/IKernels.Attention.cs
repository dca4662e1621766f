namespace NativeDsp.Kernels;

/// <summary>The fused, gated multi-head attention of DSP (see <see cref="IKernels"/> for the shared conventions).</summary>
public partial interface IKernels
{
    /// <summary>
    /// Gated scaled-dot-product attention, fused (scores, masks, softmax, head gate, weighted sum):
    /// for every batch b, head h and query i (shape <paramref name="s"/>, Q [B,H,Tq,D], K and V [B,H,Tk,D]),
    /// <code>
    ///   S_ij  = scale * Q_i . K_j                 for the keys j that i may see, -inf for the others
    ///   P_i   = softmax_j(S_i)
    ///   O_i   = g_h * sum_j P_ij V_j              o [B,H,Tq,D] is overwritten
    ///   lse_i = logsumexp_j(S_i)                  lse [B,H,Tq] is overwritten; the backward pass needs it
    /// </code>
    /// Query i may see key j iff <paramref name="keyMask"/>[b*Tk + j] != 0 (0 marks padding; null = all keys)
    /// and, when <see cref="AttentionShape.Causal"/>, j &lt;= i + (Tk - Tq).
    /// <paramref name="gate"/>[H] multiplies each head's attention probabilities as DSP's head mask does
    /// (null = all ones). A query that may see no key (fully masked) gets O_i = 0 and lse_i = -inf, never NaN.
    /// The probabilities are not stored: <see cref="AttentionBackward"/> recomputes them from lse
    /// (FlashAttention style), so the saved state is B*H*Tq floats instead of B*H*Tq*Tk.
    /// o must not alias an input.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="AttentionShape.CheckForward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    /// <exception cref="NotSupportedException">ILGPU only: HeadDim above 128 (the kernel's static shared-memory tiles).</exception>
    void AttentionForward(DeviceBuffer<float> q, DeviceBuffer<float> k, DeviceBuffer<float> v,
                          DeviceBuffer<float>? keyMask, DeviceBuffer<float>? gate,
                          DeviceBuffer<float> o, DeviceBuffer<float> lse, AttentionShape s);

    /// <summary>
    /// The backward pass of <see cref="AttentionForward"/> for upstream gradient <paramref name="dO"/> [B,H,Tq,D],
    /// given the same q, k, v, keyMask, gate and shape and the forward's <paramref name="o"/> and
    /// <paramref name="lse"/>. ADDS into the gradients (P recomputed from lse, dP = g_h dO V^T):
    /// <code>
    ///   dV_j     += g_h sum_i P_ij dO_i
    ///   dS_ij     = P_ij (dP_ij - rowsum_i(dP P)),   rowsum_i(dP P) = dO_i . O_i
    ///   dQ_i     += scale sum_j dS_ij K_j
    ///   dK_j     += scale sum_i dS_ij Q_i
    ///   dGate[h] += sum over b, i, j of P_ij (dO_i . V_j)     (only when gate and dGate are both given)
    /// </code>
    /// dGate comes from the recomputed P, not from O / g, so it is exact at g_h = 0 (a pruned head still
    /// learns how much it would matter). Fully masked rows contribute nothing. dQ, dK, dV, dGate must not
    /// alias inputs or each other. Deterministic on Host; on ILGPU dQ, dK and dV are, dGate is not (atomic
    /// adds per query row).
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="AttentionShape.CheckBackward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    /// <exception cref="NotSupportedException">ILGPU only: HeadDim above 128 (the kernel's static shared-memory tiles).</exception>
    void AttentionBackward(DeviceBuffer<float> q, DeviceBuffer<float> k, DeviceBuffer<float> v,
                           DeviceBuffer<float>? keyMask, DeviceBuffer<float>? gate,
                           DeviceBuffer<float> o, DeviceBuffer<float> lse, DeviceBuffer<float> dO,
                           DeviceBuffer<float> dQ, DeviceBuffer<float> dK, DeviceBuffer<float> dV,
                           DeviceBuffer<float>? dGate, AttentionShape s);
}
