using NativeDsp.Kernels;
using NativeDsp.Kernels.Ilgpu;
using NativeDsp.Kernels.Pruning;

namespace NativeDsp.GpuCheck;

// The fused DSP kernels: gated attention (forward, backward) and the head-pruning ops.
public sealed partial class KernelCases
{
    void Attention()
    {
        // (B, H, Tq, Tk, D, causal, key mask, gate): AttentionTests' odd shapes (cross attention, causal with a
        // cache offset, first rows that see nothing), then the BERT-base shape of the timing and a long one.
        var shapes = Pick(new[]
        {
            (2, 3, 5, 5, 4, false, false, false), (2, 3, 3, 8, 7, true, true, true),
            (2, 3, 6, 9, 8, false, true, true), (2, 3, 8, 5, 4, true, false, false), (1, 2, 33, 65, 17, false, true, true),
            (2, 12, 128, 128, 64, false, true, true), (1, 4, 300, 300, 64, true, false, true), (1, 2, 40, 40, 128, false, true, true),
        }, 2);
        // On ILGPU the shapes run twice: with the tiled forward and backward (D <= 64) and with the per-row kernels forced.
        var forwards = agree.Checked is IlgpuKernels ? new[] { true, false } : [true];
        foreach (bool tiled in forwards)
        foreach (var (b, h, tq, tk, d, causal, masked, gated) in shapes)
        {
            var s = AttentionShape.Create(b, h, tq, tk, d, causal);
            float[] q = Values(s.QueryElements), key = Values(s.KeyElements), v = Values(s.KeyElements), dO = Values(s.QueryElements);
            float[] mask = KeyMask(b, tk, masked), gate = Values(h).Select(x => 0.75f + 0.5f * x).ToArray();
            if (gated) gate[0] = 0f; // a pruned head: dGate must still be exact there
            var (o, lse) = HostAttention(q, key, v, mask, gated ? gate : null, s);
            float[] dq = Values(q.Length), dk = Values(key.Length), dv = Values(v.Length), dGate = Values(h);
            string label = $"B={b} H={h} Tq={tq} Tk={tk} D={d}{(causal ? " causal" : "")}{(masked ? " padded" : "")}{(gated ? " gated" : "")}{(tiled ? "" : " per-row kernels")}";
            agree.Agree("AttentionForward", label, [q, key, v, mask, gate, new float[q.Length], new float[s.RowCount]], [],
                (k, f, _, _) => WithTiledAttention(k, tiled, () => k.AttentionForward(f[0], f[1], f[2], masked ? f[3] : null, gated ? f[4] : null, f[5], f[6], s)),
                Tolerance.Attention);
            agree.Agree("AttentionBackward", label, [q, key, v, mask, gate, o, lse, dO, dq, dk, dv, dGate], [],
                (k, f, _, _) => WithTiledAttention(k, tiled, () => k.AttentionBackward(f[0], f[1], f[2], masked ? f[3] : null, gated ? f[4] : null, f[5], f[6], f[7],
                                                                                      f[8], f[9], f[10], gated ? f[11] : null, s)),
                // dGate sums B*Tq*Tk products: AttentionTests' 1e-4 relative to its own scale.
                Tolerance.Attention, perBuffer: [.. Enumerable.Repeat<Tolerance?>(null, 11), new Tolerance(2e-4, 2e-4, 2e-4)]);
        }
    }

    /// <summary>Runs <paramref name="call"/> with the tiled (or per-row) attention kernels, forward and backward, chosen on an ILGPU backend, then restores the tiled default.</summary>
    static void WithTiledAttention(IKernels k, bool tiled, Action call) =>
        WithIlgpuChoice(k, g => g.TiledAttentionForward = g.TiledAttentionBackward = tiled,
                        g => g.TiledAttentionForward = g.TiledAttentionBackward = true, call);

    /// <summary>1 for tokens, 0 for the padding at the end of every other batch item (at least one key kept).</summary>
    float[] KeyMask(int batch, int keys, bool masked)
    {
        var mask = new float[batch * keys];
        for (int b = 0; b < batch; b++)
        {
            int length = masked && b % 2 == 1 ? Math.Max(1, keys - 1 - rng.Next(Math.Max(1, keys / 2))) : keys;
            for (int j = 0; j < length; j++) mask[b * keys + j] = 1f;
        }
        return mask;
    }

    (float[] O, float[] Lse) HostAttention(float[] q, float[] k, float[] v, float[] mask, float[]? gate, AttentionShape s)
    {
        using var qb = Up(q);
        using var kb = Up(k);
        using var vb = Up(v);
        using var mb = Up(mask);
        using var gb = gate is null ? null : Up(gate);
        using var o = host.Allocate(q.Length);
        using var lse = host.Allocate(s.RowCount);
        host.AttentionForward(qb, kb, vb, mb, gb, o, lse, s);
        return (o.ToArray(), lse.ToArray());
    }

    DeviceBuffer<float> Up(float[] data)
    {
        var b = host.Allocate(data.Length);
        b.CopyFrom(data);
        return b;
    }

    void Pruning()
    {
        foreach (var (heads, topK, tau) in Pick(new[] { (5, 2, 0.5), (12, 3, 1.0), (144, 24, 1.0), (33, 7, 1e3), (72, 36, 1e-3), (1, 1, 1.0) }, 2))
        {
            float[] w = Values(heads), g = Values(heads), dmask = Values(heads), dw = Values(heads);
            var savedLength = (int)SoftTopKLayout.SavedLength(heads, topK);
            string s = $"H={heads} K={topK} tau={tau}";
            // SoftTopKTests: mask within 2e-6 max(1, |mask|) and dlogits within 1e-5 of the gradient's scale, per side.
            var maskTolerance = new Tolerance(4e-6, 0, 4e-6);
            agree.Agree("SoftTopKForward", s, [w, g, new float[heads]], [],
                (k, f, _, d) => k.SoftTopKForward(f[0], f[1], f[2], d[0], heads, topK, tau), maskTolerance, doubles: [new double[savedLength]]);
            agree.Agree("SoftTopKBackward", s, [w, g, new float[heads], dmask, dw], [],
                (k, f, _, d) =>
                {
                    k.SoftTopKForward(f[0], f[1], f[2], d[0], heads, topK, tau);
                    k.SoftTopKBackward(d[0], f[3], f[4], heads, topK, tau);
                },
                maskTolerance, doubles: [new double[savedLength]], perBuffer: [null, null, null, null, new Tolerance(0, 2e-5)]);
            agree.Agree("SteTopKForward", s, [w, new float[heads]], [], (k, f, _, _) => k.SteTopKForward(f[0], f[1], heads, topK), Tolerance.Bitwise);
            agree.Agree("SteTopKBackward", s, [dmask, dw], [], (k, f, _, _) => k.SteTopKBackward(f[0], f[1], heads), Tolerance.Bitwise);

            var p = HardConcreteGate.Default;
            float[] logAlpha = Values(heads, 3f), dgate = Values(heads), dl = Values(heads);
            var t = Tolerance.Sums;
            agree.Agree("HardConcreteNoise", s, [new float[heads]], [], (k, f, _, _) => k.HardConcreteNoise(f[0], heads, 5, 77), new Tolerance(1e-5, 0, 1e-5));
            agree.Agree("HardConcreteForward", s, [logAlpha, g, new float[heads]], [], (k, f, _, _) => k.HardConcreteForward(f[0], f[1], f[2], heads, p), t);
            agree.Agree("HardConcreteBackward", s, [logAlpha, g, dgate, dl], [], (k, f, _, _) => k.HardConcreteBackward(f[0], f[1], f[2], f[3], heads, p), t);
            agree.Agree("HardConcreteEvalGate", s, [logAlpha, new float[heads]], [], (k, f, _, _) => k.HardConcreteEvalGate(f[0], f[1], heads, p), t);
            agree.Agree("HardConcretePenaltyForward", s, [logAlpha, new float[1]], [], (k, f, _, _) => k.HardConcretePenaltyForward(f[0], f[1], heads, p), t);
            agree.Agree("HardConcretePenaltyBackward", s, [logAlpha, [0.7f], dl], [], (k, f, _, _) => k.HardConcretePenaltyBackward(f[0], f[1], f[2], heads, p), t);
        }
    }
}
