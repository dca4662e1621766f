using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NativeDsp.Kernels.Host;

// Fused because: composed of MatMul, softmax and masking ops it writes and reads the [B, H, Tq, Tk]
// scores and probabilities (the largest tensors of a Transformer step); fused they stay on chip and the
// backward recomputes them from lse (FlashAttention), saving B H Tq floats instead of B H Tq Tk.
/// <summary>
/// Fused gated attention on the CPU (contract: <see cref="IKernels.AttentionForward"/>).
/// Work items are (b, h) pairs, each split into query chunks only when there are too few pairs to keep
/// every core busy. An item walks its queries in blocks of <see cref="QueryBlock"/> rows: the score
/// block [rows, Tk] is computed, soft-maxed and multiplied by V while it is still in L1/L2, so the
/// [B,H,Tq,Tk] probability tensor never touches memory (that traffic is what the composition of
/// primitives pays for). Causal blocks stop at the last key their last row can see.
/// </summary>
public sealed partial class HostKernels
{
    /// <summary>Query rows per tile: 16 rows x Tk scores stays in L1/L2 for Tk up to a few hundred.</summary>
    internal const int QueryBlock = 16;

    readonly AttentionWorkspacePool attentionPool = new();

    /// <inheritdoc/>
    public void AttentionForward(DeviceBuffer<float> q, DeviceBuffer<float> k, DeviceBuffer<float> v,
                                 DeviceBuffer<float>? keyMask, DeviceBuffer<float>? gate,
                                 DeviceBuffer<float> o, DeviceBuffer<float> lse, AttentionShape s)
    {
        s.CheckForward(nameof(AttentionForward), q, k, v, keyMask, gate, o, lse);
        if (s.RowCount == 0) return;
        var args = new AttentionArrays(A(q), A(k), A(v), keyMask is null ? null : A(keyMask), gate is null ? null : A(gate),
                                       A(o), A(lse), null, null, null, null);
        var unused = Vector512.IsHardwareAccelerated
            ? Run<Vector512<float>, Simd512>(args, s, backward: false)
            : Run<Vector256<float>, Simd256>(args, s, backward: false);
        attentionPool.Return(unused); // the forward pass has no gate partials, but the array goes back to the pool
    }

    /// <inheritdoc/>
    public void AttentionBackward(DeviceBuffer<float> q, DeviceBuffer<float> k, DeviceBuffer<float> v,
                                  DeviceBuffer<float>? keyMask, DeviceBuffer<float>? gate,
                                  DeviceBuffer<float> o, DeviceBuffer<float> lse, DeviceBuffer<float> dO,
                                  DeviceBuffer<float> dQ, DeviceBuffer<float> dK, DeviceBuffer<float> dV,
                                  DeviceBuffer<float>? dGate, AttentionShape s)
    {
        s.CheckBackward(nameof(AttentionBackward), q, k, v, keyMask, gate, o, lse, dO, dQ, dK, dV, dGate);
        if (s.RowCount == 0 || s.KeyLength == 0) return;
        // o is not read: with whole score rows in a tile, rowsum(dP * P) = g * sum_j P_ij (dO_i . V_j) comes
        // out of the same pass that gives dGate, exactly consistent with the recomputed P.
        var args = new AttentionArrays(A(q), A(k), A(v), keyMask is null ? null : A(keyMask), gate is null ? null : A(gate),
                                       null, A(lse), A(dO), A(dQ), A(dK), A(dV));
        double[] itemGate;
        if (Vector512.IsHardwareAccelerated) itemGate = Run<Vector512<float>, Simd512>(args, s, backward: true);
        else itemGate = Run<Vector256<float>, Simd256>(args, s, backward: true);
        if (gate is not null && dGate is not null)
        {
            // Summed in item order after the parallel loop, so dGate is the same on every run.
            var dg = A(dGate);
            int chunks = QueryChunks(s);
            for (int h = 0; h < s.Heads; h++)
            {
                double sum = 0;
                for (int b = 0; b < s.Batch; b++)
                    for (int c = 0; c < chunks; c++) sum += itemGate[((b * s.Heads) + h) * chunks + c];
                dg[h] += (float)sum;
            }
        }
        attentionPool.Return(itemGate);
    }

    /// <summary>The arrays of one call; the null ones belong to the other direction.</summary>
    readonly record struct AttentionArrays(float[] Q, float[] K, float[] V, float[]? Mask, float[]? Gate,
                                           float[]? O, float[] Lse, float[]? DO, float[]? DQ, float[]? DK, float[]? DV);

    /// <summary>Runs every work item; returns the per-item dGate partials (backward) in item order.</summary>
    unsafe double[] Run<TV, TS>(AttentionArrays x, AttentionShape s, bool backward)
        where TV : struct where TS : struct, IAttentionSimd<TV>
    {
        int pairs = s.Batch * s.Heads;
        int blocks = (s.QueryLength + QueryBlock - 1) / QueryBlock;
        int chunks = QueryChunks(s);
        int chunkRows = (blocks + chunks - 1) / chunks * QueryBlock;
        int items = pairs * chunks;
        int keyElems = s.KeyLength * s.HeadDim;
        // Query chunks of one (b, h) all touch all of its dK/dV: each chunk then adds into its own
        // partial, and the partials are summed per (b, h) afterwards (no atomics, deterministic).
        float[]? partials = backward && chunks > 1 ? attentionPool.RentPartials(2L * items * keyElems) : null;
        double[] itemGate = attentionPool.RentItemGate(items);
        int tkPad = (s.KeyLength + TS.Lanes - 1) / TS.Lanes * TS.Lanes;
        // Tile rows one vector longer than the keys: with a stride that is a multiple of 1 KiB (Tk = 256)
        // the D rows of K^T that one micro-tile reads fall into a few L1 sets and evict each other.
        int ld = tkPad + TS.Lanes;

        Parallel.For(0, items,
            () => { var t = attentionPool.RentTiles(); t.Ensure(s.HeadDim, ld, QueryBlock); return t; },
            (item, _, tiles) =>
            {
                int bh = item / chunks, qa = item % chunks * chunkRows, qb = Math.Min(s.QueryLength, qa + chunkRows);
                if (qa >= qb)
                {
                    // An empty chunk (more chunks than query blocks) still owns a dK/dV partial that the
                    // reduction below sums: it must be zero, not whatever the pooled array held.
                    if (partials is not null) partials.AsSpan((int)(2L * item * keyElems), 2 * keyElems).Clear();
                    return tiles;
                }
                fixed (float* q = x.Q, k = x.K, v = x.V, mask = x.Mask, gate = x.Gate, lse = x.Lse)
                {
                    var item0 = new AttentionItem(s, bh, tkPad, ld, q, k, v, mask, gate, lse, tiles);
                    if (!backward)
                    {
                        fixed (float* o = x.O) item0.Forward<TV, TS>(o, qa, qb);
                    }
                    else
                    {
                        fixed (float* dO = x.DO, dQ = x.DQ, dK = x.DK, dV = x.DV, part = partials)
                        {
                            float* dKt = dK + (long)bh * keyElems, dVt = dV + (long)bh * keyElems;
                            if (part is not null)
                            {
                                dKt = part + 2L * item * keyElems;
                                dVt = dKt + keyElems;
                                new Span<float>(dKt, 2 * keyElems).Clear();
                            }
                            itemGate[item] = item0.Backward<TV, TS>(dO, dQ, dKt, dVt, qa, qb);
                        }
                    }
                }
                return tiles;
            },
            attentionPool.Return);

        if (partials is not null)
        {
            Parallel.For(0, pairs, bh =>
            {
                var dk = x.DK.AsSpan(bh * keyElems, keyElems);
                var dv = x.DV.AsSpan(bh * keyElems, keyElems);
                for (int c = 0; c < chunks; c++)
                {
                    long at = 2L * (bh * chunks + c) * keyElems;
                    AddInto(partials.AsSpan((int)at, keyElems), dk);
                    AddInto(partials.AsSpan((int)(at + keyElems), keyElems), dv);
                }
            });
            attentionPool.Return(partials);
        }
        return itemGate;
    }

    /// <summary>
    /// Query chunks per (b, h) pair: 1 when there are enough pairs to keep every core busy, else enough
    /// chunks for two work items per core. The backward pass reads the dGate partials with the same count
    /// (not from the pooled array's length, which may be longer).
    /// </summary>
    static int QueryChunks(AttentionShape s)
    {
        int pairs = s.Batch * s.Heads, workers = Environment.ProcessorCount;
        int blocks = (s.QueryLength + QueryBlock - 1) / QueryBlock;
        return pairs >= 2 * workers ? 1 : Math.Clamp((2 * workers + pairs - 1) / pairs, 1, Math.Max(1, blocks));
    }

    static void AddInto(ReadOnlySpan<float> src, Span<float> dst)
    {
        int i = 0;
        var vs = MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(src);
        var vd = MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(dst);
        for (; i < vs.Length; i++) vd[i] += vs[i];
        for (i *= System.Numerics.Vector<float>.Count; i < src.Length; i++) dst[i] += src[i];
    }
}
