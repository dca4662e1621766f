using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// Fused because: composed of MatMul, softmax and masking ops it writes and reads the [B, H, Tq, Tk]
// scores and probabilities (the largest tensors of a Transformer step); fused they stay on chip and the
// backward recomputes them from lse (FlashAttention), saving B H Tq floats instead of B H Tq Tk.
/// <summary>
/// Fused gated attention on ILGPU (contract: <see cref="IKernels.AttentionForward"/>). Three explicitly
/// grouped kernels of <see cref="AttentionTile"/> threads, all streaming keys (or queries) through shared
/// memory tiles of <see cref="AttentionTile"/> rows, coalesced on load and padded to D + 1 floats per row
/// so that thread t reading row t does not hit one bank 32 times:
/// <list type="bullet">
/// <item>forward: one group per query row; online softmax over key tiles (running max and sum, the
///   accumulator rescaled per tile), so any Tk fits and only lse is saved.</item>
/// <item>backward, query side: one group per query row gives dQ_i and the row's dGate term.</item>
/// <item>backward, key side: one group per key row j walks the queries that can see it and gives dK_j, dV_j.</item>
/// </list>
/// dK/dV use a separate key-side pass rather than atomics from the query side: every query row would add
/// into every dK_j/dV_j (Tq*Tk*D contended float atomics, and a result that changes with scheduling); the
/// key pass recomputes P_ij from q, k and lse instead, deterministic at the price of computing the scores
/// twice. rowsum(dP*P) = dO_i . O_i (FlashAttention-2), so neither pass needs the other's results.
/// dGate is the only atomic: one add per (b, h, query row) into dGate[h].
/// Head dimensions up to <see cref="AttentionMaxDim"/> (the static shared tiles; 64 and 128 are the sizes used).
/// </summary>
public sealed partial class IlgpuKernels
{
    /// <summary>Threads per group = rows per tile: one warp on CUDA, and valid on the CPU accelerator.</summary>
    const int AttentionTile = 32;
    const int AttentionMaxDim = 128;
    const int AttentionTileFloats = AttentionTile * (AttentionMaxDim + 1);

    internal struct AttentionArgs
    {
        public int Batch, Heads, Tq, Tk, D, Causal, HasMask, HasGate, HasDGate;
        public float Scale;
    }

    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
           ArrayView<float>, ArrayView<float>, AttentionArgs>? attentionForward;
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
           ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>? attentionBackwardQuery;
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
           ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>? attentionBackwardKey;

    static AttentionArgs Args(string op, AttentionShape s, bool mask, bool gate, bool dGate)
    {
        if (s.HeadDim > AttentionMaxDim)
            throw new NotSupportedException($"{op}: the ILGPU kernel supports head dimensions up to {AttentionMaxDim}, got {s}");
        return new AttentionArgs
        {
            Batch = s.Batch, Heads = s.Heads, Tq = s.QueryLength, Tk = s.KeyLength, D = s.HeadDim,
            Causal = s.Causal ? 1 : 0, HasMask = mask ? 1 : 0, HasGate = gate ? 1 : 0, HasDGate = gate && dGate ? 1 : 0,
            Scale = s.Scale,
        };
    }

    static ArrayView<float> OptionalView(DeviceBuffer<float>? b) => b is null ? ArrayView<float>.Empty : V(b);

    /// <inheritdoc/>
    public void AttentionForward(DeviceBuffer<float> q, DeviceBuffer<float> k, DeviceBuffer<float> v,
                                 DeviceBuffer<float>? keyMask, DeviceBuffer<float>? gate,
                                 DeviceBuffer<float> o, DeviceBuffer<float> lse, AttentionShape s)
    {
        s.CheckForward(nameof(AttentionForward), q, k, v, keyMask, gate, o, lse);
        var args = Args(nameof(AttentionForward), s, keyMask is not null, gate is not null, false);
        if (s.RowCount == 0) return;
        if (TryAttentionForwardTiled(V(q), V(k), V(v), OptionalView(keyMask), OptionalView(gate), V(o), V(lse), s, args)) return; // D <= 64
        attentionForward ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>(AttentionForwardKernel);
        attentionForward(new KernelConfig(s.RowCount, AttentionTile), V(q), V(k), V(v), OptionalView(keyMask), OptionalView(gate),
                         V(o), V(lse), args);
    }

    /// <inheritdoc/>
    public void AttentionBackward(DeviceBuffer<float> q, DeviceBuffer<float> k, DeviceBuffer<float> v,
                                  DeviceBuffer<float>? keyMask, DeviceBuffer<float>? gate,
                                  DeviceBuffer<float> o, DeviceBuffer<float> lse, DeviceBuffer<float> dO,
                                  DeviceBuffer<float> dQ, DeviceBuffer<float> dK, DeviceBuffer<float> dV,
                                  DeviceBuffer<float>? dGate, AttentionShape s)
    {
        s.CheckBackward(nameof(AttentionBackward), q, k, v, keyMask, gate, o, lse, dO, dQ, dK, dV, dGate);
        var args = Args(nameof(AttentionBackward), s, keyMask is not null, gate is not null, dGate is not null);
        if (s.RowCount == 0 || s.KeyLength == 0) return;
        if (TryAttentionBackwardTiled(V(q), V(k), V(v), OptionalView(keyMask), OptionalView(gate), V(o), V(lse), V(dO),
                                      V(dQ), V(dK), V(dV), OptionalView(dGate), s, args)) return; // D <= 64
        attentionBackwardQuery ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>(AttentionBackwardQueryKernel);
        attentionBackwardKey ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>(AttentionBackwardKeyKernel);
        var (vq, vk, vv, vm, vg, vo, vl, vdo) = (V(q), V(k), V(v), OptionalView(keyMask), OptionalView(gate), V(o), V(lse), V(dO));
        attentionBackwardQuery(new KernelConfig(s.RowCount, AttentionTile), vq, vk, vv, vm, vg, vo, vl, vdo, V(dQ), OptionalView(dGate), args);
        attentionBackwardKey(new KernelConfig(s.Batch * s.Heads * s.KeyLength, AttentionTile), vq, vk, vv, vm, vg, vo, vl, vdo, V(dK), V(dV), args);
    }
}
