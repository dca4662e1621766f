using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

// A tiled attention forward for head dimensions up to 64 (issue 18; contract: IKernels.AttentionForward):
// one group of TiledRows threads takes TiledRows query rows of one (batch, head), one row per thread, and
// streams the keys through shared memory in tiles of TiledKeys rows of K and V. Each K/V tile is read from
// global memory once per TiledRows query rows, where the per-row kernel (AttentionKernels.cs) reads it once
// per row. Every thread runs the online softmax of its own row (running max m, sum l, accumulator rescaled
// by exp(m_old - m_new) per tile), so no group reduction is needed; the only barriers are around the tile
// loads. Shared rows are padded to D + 1 (stride 65), so thread t walking its own q / accumulator row hits a
// distinct bank from its neighbours, while all threads reading the same K / V element is a broadcast.
// Masks, causality, the head gate, fully masked rows (O = 0, lse = -inf) and the saved lse are exactly those
// of the per-row kernel, so AttentionBackward is unchanged. Head dimensions above 64 use the per-row kernel.
public sealed partial class IlgpuKernels
{
    const int TiledRows = 32, TiledKeys = 32, TiledMaxDim = 64, TiledStride = TiledMaxDim + 1, TiledScoreStride = TiledKeys + 1;

    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
           ArrayView<float>, ArrayView<float>, AttentionArgs>? attentionForwardTiled;

    /// <summary>
    /// Whether <see cref="AttentionForward"/> uses the tiled kernel (32 query rows per group) for head dimensions up
    /// to 64 (default true); false forces the per-row kernel, for tests and comparisons. Not thread-safe to change
    /// while other threads launch attention.
    /// </summary>
    public bool TiledAttentionForward { get; set; } = true;

    /// <summary>Launches the tiled forward when the head dimension fits it; false means the caller uses the per-row kernel.</summary>
    bool TryAttentionForwardTiled(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> mask, ArrayView<float> gate,
                                  ArrayView<float> o, ArrayView<float> lse, AttentionShape s, AttentionArgs args)
    {
        if (!TiledAttentionForward || s.HeadDim > TiledMaxDim) return false;
        attentionForwardTiled ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArgs>(AttentionForwardTiledKernel);
        int blocksPerHead = (s.QueryLength + TiledRows - 1) / TiledRows;
        attentionForwardTiled(new KernelConfig(s.Batch * s.Heads * blocksPerHead, TiledRows), q, k, v, mask, gate, o, lse, args);
        return true;
    }

    /// <summary>
    /// The group's threads (t = 0..TiledRows-1) copy key rows [first, first + n) of k and v (row length d) into the
    /// shared tiles ks and vs (row stride TiledStride), strided over the group. Shared by the tiled forward and the
    /// query-side tiled backward; the caller places the barrier.
    /// </summary>
    static void LoadKeyValueTile(ArrayView<float> k, ArrayView<float> v, ArrayView<float> ks, ArrayView<float> vs, int first, int n, int d, int t)
    {
        for (int e = t; e < n * d; e += TiledRows)
        {
            int r = e / d, c = e - r * d, src = (first + r) * d + c;
            ks[r * TiledStride + c] = k[src];
            vs[r * TiledStride + c] = v[src];
        }
    }

    [IlgpuKernel]
    static void AttentionForwardTiledKernel(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> mask,
                                            ArrayView<float> gate, ArrayView<float> o, ArrayView<float> lse, AttentionArgs a)
    {
        var qs = SharedMemory.Allocate<float>(TiledRows * TiledStride);   // the group's query rows
        var acc = SharedMemory.Allocate<float>(TiledRows * TiledStride);  // their unnormalised outputs
        var ks = SharedMemory.Allocate<float>(TiledKeys * TiledStride);
        var vs = SharedMemory.Allocate<float>(TiledKeys * TiledStride);
        var ps = SharedMemory.Allocate<float>(TiledRows * TiledScoreStride); // row t's scores, then probabilities, of the tile
        int t = Group.IdxX, d = a.D;
        int blocksPerHead = (a.Tq + TiledRows - 1) / TiledRows;
        int bh = Grid.IdxX / blocksPerHead, i0 = (Grid.IdxX - bh * blocksPerHead) * TiledRows, b = bh / a.Heads;
        int rows = IntrinsicMath.Min(TiledRows, a.Tq - i0), firstRow = bh * a.Tq + i0, keys = bh * a.Tk;
        for (int e = t; e < rows * d; e += TiledRows)
        {
            int r = e / d, c = e - r * d;
            qs[r * TiledStride + c] = q[(firstRow + r) * d + c];
        }
        for (int e = t; e < TiledRows * TiledStride; e += TiledRows) acc[e] = 0f;
        Group.Barrier();

        // Keys row i may see: j < Tk, and j <= i + (Tk - Tq) when causal. The group walks up to its last row's limit.
        int offset = a.Tk - a.Tq, i = i0 + t;
        int jEnd = a.Causal != 0 ? IntrinsicMath.Max(0, IntrinsicMath.Min(a.Tk, i0 + rows + offset)) : a.Tk;
        int myEnd = t >= rows ? 0 : a.Causal != 0 ? IntrinsicMath.Max(0, IntrinsicMath.Min(a.Tk, i + offset + 1)) : a.Tk;
        int qRow = t * TiledStride, pRow = t * TiledScoreStride;
        float m = float.NegativeInfinity, l = 0f;
        for (int j0 = 0; j0 < jEnd; j0 += TiledKeys)
        {
            int n = IntrinsicMath.Min(TiledKeys, jEnd - j0);
            LoadKeyValueTile(k, v, ks, vs, keys + j0, n, d, t);
            Group.Barrier();

            float tileMax = float.NegativeInfinity;
            for (int jj = 0; jj < n; jj++)
            {
                int j = j0 + jj;
                float s = float.NegativeInfinity;
                if (j < myEnd && (a.HasMask == 0 || mask[b * a.Tk + j] != 0f))
                {
                    float dot = 0f;
                    int kRow = jj * TiledStride;
                    for (int c = 0; c < d; c++) dot += qs[qRow + c] * ks[kRow + c];
                    s = a.Scale * dot;
                }
                ps[pRow + jj] = s;
                tileMax = IntrinsicMath.Max(tileMax, s);
            }
            float mNew = IntrinsicMath.Max(m, tileMax);
            if (mNew != float.NegativeInfinity) // this row has seen a key; no barrier inside, so rows may differ
            {
                float correction = m == float.NegativeInfinity ? 0f : MathF.Exp(m - mNew);
                float sum = 0f;
                for (int jj = 0; jj < n; jj++)
                {
                    float s = ps[pRow + jj];
                    float p = s == float.NegativeInfinity ? 0f : MathF.Exp(s - mNew);
                    ps[pRow + jj] = p;
                    sum += p;
                }
                l = l * correction + sum;
                for (int c = 0; c < d; c++)
                {
                    float weighted = 0f;
                    for (int jj = 0; jj < n; jj++) weighted += ps[pRow + jj] * vs[jj * TiledStride + c];
                    acc[qRow + c] = acc[qRow + c] * correction + weighted;
                }
                m = mNew;
            }
            Group.Barrier(); // the next tile overwrites ks and vs
        }
        if (t >= rows) return;
        int row = firstRow + t;
        float g = a.HasGate != 0 ? gate[bh % a.Heads] : 1f;
        // l = 0: the row sees no key; its output is 0 and lse = -inf (never 0/0).
        lse[row] = l > 0f ? m + MathF.Log(l) : float.NegativeInfinity;
        float norm = l > 0f ? g / l : 0f;
        for (int c = 0; c < d; c++) o[row * d + c] = acc[qRow + c] * norm;
    }
}
