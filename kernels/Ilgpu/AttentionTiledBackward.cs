using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// A tiled attention backward for head dimensions up to 64 (issue 18; contract: IKernels.AttentionBackward), in the
// style of the tiled forward (AttentionTiledForward.cs) and of FlashAttention-2: P is recomputed from the saved lse,
// rowsum(dP * P) is delta_i = dO_i . O_i, and every thread owns one row, so a tile of 32 rows shares each
// block of the other side read from global memory, where the per-row kernels (AttentionKernels.cs) read it once
// per row. Two kernels, as the per-row backward, so that nothing but dGate needs atomics (same argument as in
// Attention.cs: dK/dV from the query side would be Tq*Tk*D contended float atomics, non-deterministic):
//  - key side: a group of TiledKeys threads owns TiledKeys key rows of one (batch, head); the queries that can see
//    them stream through shared memory in tiles of TiledQueryRows rows of Q and dO (with their lse and delta).
//    Thread t keeps its own k_j, v_j and the dK_j, dV_j accumulators in padded shared rows (stride 65: thread t
//    walking row t hits its own bank), reads Q/dO elements as broadcasts, and adds
//        dV_j += g P_ij dO_i,   dK_j += dS_ij Q_i,   dS_ij = P_ij (g dO_i . V_j - delta_i).
//    The query tile is 16 rows, not 32, so that the four owned rows plus the two tiles stay inside the 48 KB of
//    static shared memory a CUDA block may have (6 x 32 x 65 floats would be 49.9 KB).
//  - query side: a group of TiledRows threads owns TiledRows query rows; K and V stream through shared memory in
//    tiles of TiledKeys rows; dQ_i += dS_ij K_j, and the row's dGate term sum_j P_ij dO_i . V_j is reduced over the
//    group (one atomic add per group instead of one per row).
// Masks, causality (query i sees key j iff j <= i + Tk - Tq), the gate, fully masked rows (lse = -inf: no
// gradient) are those of the per-row kernels, which remain the fallback above D = 64.
public sealed partial class IlgpuKernels
{
    const int TiledQueryRows = 16;

    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
           ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>? attentionBackwardQueryTiled;
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
           ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>? attentionBackwardKeyTiled;

    /// <summary>
    /// Whether <see cref="AttentionBackward"/> uses the tiled kernels (32 rows per group on both sides) for head
    /// dimensions up to 64 (default true); false forces the per-row kernels, for tests and comparisons. Not
    /// thread-safe to change while other threads launch attention.
    /// </summary>
    public bool TiledAttentionBackward { get; set; } = true;

    /// <summary>Launches the tiled backward when the head dimension fits it; false means the caller uses the per-row kernels.</summary>
    bool TryAttentionBackwardTiled(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> mask, ArrayView<float> gate,
                                   ArrayView<float> o, ArrayView<float> lse, ArrayView<float> dO, ArrayView<float> dQ, ArrayView<float> dK,
                                   ArrayView<float> dV, ArrayView<float> dGate, AttentionShape s, AttentionArgs args)
    {
        if (!TiledAttentionBackward || s.HeadDim > TiledMaxDim) return false;
        attentionBackwardQueryTiled ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>(AttentionBackwardQueryTiledKernel);
        attentionBackwardKeyTiled ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>(AttentionBackwardKeyTiledKernel);
        int pairs = s.Batch * s.Heads;
        int queryBlocks = (s.QueryLength + TiledRows - 1) / TiledRows, keyBlocks = (s.KeyLength + TiledKeys - 1) / TiledKeys;
        attentionBackwardQueryTiled(new KernelConfig(pairs * queryBlocks, TiledRows), q, k, v, mask, gate, o, lse, dO, dQ, dGate, args);
        attentionBackwardKeyTiled(new KernelConfig(pairs * keyBlocks, TiledKeys), q, k, v, mask, gate, o, lse, dO, dK, dV, args);
        return true;
    }

    [IlgpuKernel]
    static void AttentionBackwardQueryTiledKernel(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> mask,
                                                  ArrayView<float> gate, ArrayView<float> o, ArrayView<float> lse, ArrayView<float> dO,
                                                  ArrayView<float> dQ, ArrayView<float> dGate, AttentionArgs a)
    {
        var qs = SharedMemory.Allocate<float>(TiledRows * TiledStride);  // own rows: q_i
        var dos = SharedMemory.Allocate<float>(TiledRows * TiledStride); // own rows: dO_i
        var dq = SharedMemory.Allocate<float>(TiledRows * TiledStride);  // own rows: the dQ_i accumulator
        var ks = SharedMemory.Allocate<float>(TiledKeys * TiledStride);
        var vs = SharedMemory.Allocate<float>(TiledKeys * TiledStride);
        var red = SharedMemory.Allocate<float>(TiledRows);
        int t = Group.IdxX, d = a.D;
        int blocksPerHead = (a.Tq + TiledRows - 1) / TiledRows;
        int bh = Grid.IdxX / blocksPerHead, i0 = (Grid.IdxX - bh * blocksPerHead) * TiledRows, b = bh / a.Heads, h = bh - b * a.Heads;
        int rows = IntrinsicMath.Min(TiledRows, a.Tq - i0), firstRow = bh * a.Tq + i0, keys = bh * a.Tk;
        for (int e = t; e < rows * d; e += TiledRows)
        {
            int r = e / d, c = e - r * d, src = (firstRow + r) * d + c;
            qs[r * TiledStride + c] = q[src];
            dos[r * TiledStride + c] = dO[src];
        }
        for (int e = t; e < TiledRows * TiledStride; e += TiledRows) dq[e] = 0f;
        Group.Barrier();

        int offset = a.Tk - a.Tq, i = i0 + t, row = firstRow + t;
        float rowLse = t < rows ? lse[row] : float.NegativeInfinity;
        // A row that sees no key (lse = -inf) gets no gradient; as a row past the block's end it walks no key.
        int myEnd = rowLse == float.NegativeInfinity ? 0 : a.Causal != 0 ? IntrinsicMath.Max(0, IntrinsicMath.Min(a.Tk, i + offset + 1)) : a.Tk;
        int jEnd = a.Causal != 0 ? IntrinsicMath.Max(0, IntrinsicMath.Min(a.Tk, i0 + rows + offset)) : a.Tk;
        int own = t * TiledStride;
        float delta = 0f; // rowsum(dP * P) = dO_i . O_i (FlashAttention-2)
        if (myEnd > 0)
            for (int c = 0; c < d; c++) delta += dos[own + c] * o[row * d + c];
        float g = a.HasGate != 0 ? gate[h] : 1f;
        float gatePart = 0f;
        for (int j0 = 0; j0 < jEnd; j0 += TiledKeys)
        {
            int n = IntrinsicMath.Min(TiledKeys, jEnd - j0);
            LoadKeyValueTile(k, v, ks, vs, keys + j0, n, d, t);
            Group.Barrier();
            for (int jj = 0; jj < n; jj++)
            {
                int j = j0 + jj;
                if (j >= myEnd || (a.HasMask != 0 && mask[b * a.Tk + j] == 0f)) continue;
                int kRow = jj * TiledStride;
                float dot = 0f, dpv = 0f;
                for (int c = 0; c < d; c++)
                {
                    dot += qs[own + c] * ks[kRow + c];
                    dpv += dos[own + c] * vs[kRow + c]; // dO_i . V_j, before the gate
                }
                float p = MathF.Exp(a.Scale * dot - rowLse);
                gatePart += p * dpv;
                float dS = p * (g * dpv - delta);
                for (int c = 0; c < d; c++) dq[own + c] += dS * ks[kRow + c];
            }
            Group.Barrier(); // the next tile overwrites ks and vs
        }
        if (t < rows)
            for (int c = 0; c < d; c++) dQ[row * d + c] += a.Scale * dq[own + c];
        if (a.HasDGate != 0)
        {
            float groupGate = GroupReduce.Sum(red, gatePart); // every thread calls: it has barriers
            if (t == 0) Atomic.Add(ref dGate[h], groupGate);
        }
    }

    [IlgpuKernel]
    static void AttentionBackwardKeyTiledKernel(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> mask,
                                                ArrayView<float> gate, ArrayView<float> o, ArrayView<float> lse, ArrayView<float> dO,
                                                ArrayView<float> dK, ArrayView<float> dV, AttentionArgs a)
    {
        var ks = SharedMemory.Allocate<float>(TiledKeys * TiledStride); // own rows: k_j, v_j and the dK_j, dV_j accumulators
        var vs = SharedMemory.Allocate<float>(TiledKeys * TiledStride);
        var dk = SharedMemory.Allocate<float>(TiledKeys * TiledStride);
        var dv = SharedMemory.Allocate<float>(TiledKeys * TiledStride);
        var qs = SharedMemory.Allocate<float>(TiledQueryRows * TiledStride);
        var dos = SharedMemory.Allocate<float>(TiledQueryRows * TiledStride);
        var lses = SharedMemory.Allocate<float>(TiledQueryRows);
        var deltas = SharedMemory.Allocate<float>(TiledQueryRows);
        int t = Group.IdxX, d = a.D;
        int blocksPerHead = (a.Tk + TiledKeys - 1) / TiledKeys;
        int bh = Grid.IdxX / blocksPerHead, j0 = (Grid.IdxX - bh * blocksPerHead) * TiledKeys, b = bh / a.Heads;
        int n = IntrinsicMath.Min(TiledKeys, a.Tk - j0), firstKey = bh * a.Tk + j0, queries = bh * a.Tq;
        for (int e = t; e < n * d; e += TiledKeys)
        {
            int r = e / d, c = e - r * d, src = (firstKey + r) * d + c;
            ks[r * TiledStride + c] = k[src];
            vs[r * TiledStride + c] = v[src];
        }
        for (int e = t; e < TiledKeys * TiledStride; e += TiledKeys)
        {
            dk[e] = 0f;
            dv[e] = 0f;
        }
        int offset = a.Tk - a.Tq, j = j0 + t;
        // Query i sees key j iff i >= j - offset (causal). A padded key, or a row past the block, is seen by no query.
        bool live = t < n && (a.HasMask == 0 || mask[b * a.Tk + j] != 0f);
        int myStart = a.Causal != 0 ? IntrinsicMath.Max(0, j - offset) : 0;
        int iStart = a.Causal != 0 ? IntrinsicMath.Max(0, j0 - offset) : 0; // the block's first key is seen first
        float g = a.HasGate != 0 ? gate[bh % a.Heads] : 1f;
        int own = t * TiledStride;
        for (int qi0 = iStart; qi0 < a.Tq; qi0 += TiledQueryRows)
        {
            int m = IntrinsicMath.Min(TiledQueryRows, a.Tq - qi0);
            Group.Barrier(); // the previous tile's readers are done (and, the first time, the own rows are written)
            for (int e = t; e < m * d; e += TiledKeys)
            {
                int r = e / d, c = e - r * d, src = (queries + qi0 + r) * d + c;
                qs[r * TiledStride + c] = q[src];
                dos[r * TiledStride + c] = dO[src];
            }
            if (t < m)
            {
                int row = queries + qi0 + t;
                float rowLse = lse[row], delta = 0f;
                if (rowLse != float.NegativeInfinity)
                    for (int c = 0; c < d; c++) delta += dO[row * d + c] * o[row * d + c];
                lses[t] = rowLse;
                deltas[t] = delta;
            }
            Group.Barrier();
            if (!live) continue;
            for (int ii = 0; ii < m; ii++)
            {
                float rowLse = lses[ii];
                // A row with lse = -inf sees no key; a finite lse with i before myStart is a row that cannot see j (causal).
                if (qi0 + ii < myStart || rowLse == float.NegativeInfinity) continue;
                int qRow = ii * TiledStride;
                float dot = 0f, dpv = 0f;
                for (int c = 0; c < d; c++)
                {
                    dot += qs[qRow + c] * ks[own + c];
                    dpv += dos[qRow + c] * vs[own + c];
                }
                float p = MathF.Exp(a.Scale * dot - rowLse);
                float dS = p * (g * dpv - deltas[ii]), gp = g * p;
                for (int c = 0; c < d; c++)
                {
                    dk[own + c] += dS * qs[qRow + c];
                    dv[own + c] += gp * dos[qRow + c];
                }
            }
        }
        if (!live) return; // no barrier follows
        int dst = firstKey + t;
        for (int c = 0; c < d; c++)
        {
            dK[dst * d + c] += a.Scale * dk[own + c];
            dV[dst * d + c] += dv[own + c];
        }
    }
}
