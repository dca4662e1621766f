using System.Runtime.CompilerServices;
using ILGPU;

namespace NativeDsp.Kernels.Ilgpu;

// The device code of the fused attention (host side and design notes: Attention.cs). Each group has
// AttentionTile threads; t = Group.IdxX. Every branch around a barrier depends only on values that are
// the same for the whole group (row, tile bounds, flags, lse of the group's row).
public sealed partial class IlgpuKernels
{
    /// <summary>Copies rows [first, first + n) of a [*, D] tensor into a tile with row stride D + 1 (coalesced reads).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void LoadTile(ArrayView<float> src, int first, int n, int d, ArrayView<float> tile)
    {
        int count = n * d, stride = d + 1;
        for (int e = Group.IdxX; e < count; e += Group.DimX)
        {
            int r = e / d, c = e - r * d;
            tile[r * stride + c] = src[(first + r) * d + c];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float TileDot(ArrayView<float> row, ArrayView<float> tile, int tileRow, int d)
    {
        float sum = 0f;
        int at = tileRow * (d + 1);
        for (int c = 0; c < d; c++) sum += row[c] * tile[at + c];
        return sum;
    }

    [IlgpuKernel]
    static void AttentionForwardKernel(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> mask,
                                       ArrayView<float> gate, ArrayView<float> o, ArrayView<float> lse, AttentionArgs a)
    {
        var qs = SharedMemory.Allocate<float>(AttentionMaxDim);
        var acc = SharedMemory.Allocate<float>(AttentionMaxDim);
        var tile = SharedMemory.Allocate<float>(AttentionTileFloats);
        var ps = SharedMemory.Allocate<float>(AttentionTile);
        var red = SharedMemory.Allocate<float>(AttentionTile);
        int t = Group.IdxX, row = Grid.IdxX, d = a.D;
        int i = row % a.Tq, bh = row / a.Tq, b = bh / a.Heads;
        int keys = bh * a.Tk;
        for (int c = t; c < d; c += AttentionTile) { qs[c] = q[row * d + c]; acc[c] = 0f; }
        Group.Barrier();
        int jMax = a.Causal != 0 ? IntrinsicMath.Min(a.Tk, i + a.Tk - a.Tq + 1) : a.Tk;
        float m = float.NegativeInfinity, l = 0f;
        for (int j0 = 0; j0 < jMax; j0 += AttentionTile)
        {
            int n = IntrinsicMath.Min(AttentionTile, jMax - j0);
            LoadTile(k, keys + j0, n, d, tile);
            Group.Barrier();
            float s = float.NegativeInfinity;
            if (t < n && (a.HasMask == 0 || mask[b * a.Tk + j0 + t] != 0f)) s = a.Scale * TileDot(qs, tile, t, d);
            // Online softmax: the running max only grows; what was summed so far is rescaled by exp(m - mNew).
            float mNew = IntrinsicMath.Max(m, GroupReduce.Max(red, s));
            float p = s == float.NegativeInfinity ? 0f : MathF.Exp(s - mNew);
            float correction = m == float.NegativeInfinity ? 0f : MathF.Exp(m - mNew);
            ps[t] = p;
            l = l * correction + GroupReduce.Sum(red, p); // its barriers also publish ps and end the reads of the K tile
            LoadTile(v, keys + j0, n, d, tile);
            Group.Barrier();
            for (int c = t; c < d; c += AttentionTile)
            {
                float sum = 0f;
                for (int jj = 0; jj < n; jj++) sum += ps[jj] * tile[jj * (d + 1) + c];
                acc[c] = acc[c] * correction + sum;
            }
            m = mNew;
            Group.Barrier();
        }
        float g = a.HasGate != 0 ? gate[bh % a.Heads] : 1f;
        // l = 0: the row sees no key; its output is 0 and lse = -inf (never 0/0).
        if (t == 0) lse[row] = l > 0f ? m + MathF.Log(l) : float.NegativeInfinity;
        float norm = l > 0f ? g / l : 0f;
        for (int c = t; c < d; c += AttentionTile) o[row * d + c] = acc[c] * norm;
    }

    [IlgpuKernel]
    static void AttentionBackwardQueryKernel(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> mask,
                                             ArrayView<float> gate, ArrayView<float> o, ArrayView<float> lse, ArrayView<float> dO,
                                             ArrayView<float> dQ, ArrayView<float> dGate, AttentionArgs a)
    {
        var qs = SharedMemory.Allocate<float>(AttentionMaxDim);
        var dos = SharedMemory.Allocate<float>(AttentionMaxDim);
        var dq = SharedMemory.Allocate<float>(AttentionMaxDim);
        var tileK = SharedMemory.Allocate<float>(AttentionTileFloats);
        var tileV = SharedMemory.Allocate<float>(AttentionTileFloats);
        var ds = SharedMemory.Allocate<float>(AttentionTile);
        var red = SharedMemory.Allocate<float>(AttentionTile);
        int t = Group.IdxX, row = Grid.IdxX, d = a.D;
        int i = row % a.Tq, bh = row / a.Tq, b = bh / a.Heads, h = bh % a.Heads;
        float rowLse = lse[row];
        if (rowLse == float.NegativeInfinity) return; // the row saw no key: no gradient
        int keys = bh * a.Tk;
        float deltaPart = 0f;
        for (int c = t; c < d; c += AttentionTile)
        {
            qs[c] = q[row * d + c];
            float g0 = dO[row * d + c];
            dos[c] = g0;
            dq[c] = 0f;
            deltaPart += g0 * o[row * d + c];
        }
        float delta = GroupReduce.Sum(red, deltaPart); // rowsum(dP * P) = dO_i . O_i
        float g = a.HasGate != 0 ? gate[h] : 1f;
        int jMax = a.Causal != 0 ? IntrinsicMath.Min(a.Tk, i + a.Tk - a.Tq + 1) : a.Tk;
        float gatePart = 0f;
        for (int j0 = 0; j0 < jMax; j0 += AttentionTile)
        {
            int n = IntrinsicMath.Min(AttentionTile, jMax - j0);
            LoadTile(k, keys + j0, n, d, tileK);
            LoadTile(v, keys + j0, n, d, tileV);
            Group.Barrier();
            float dS = 0f;
            if (t < n && (a.HasMask == 0 || mask[b * a.Tk + j0 + t] != 0f))
            {
                float p = MathF.Exp(a.Scale * TileDot(qs, tileK, t, d) - rowLse);
                float dpv = TileDot(dos, tileV, t, d); // dO_i . V_j, before the gate
                gatePart += p * dpv;
                dS = p * (g * dpv - delta);
            }
            ds[t] = dS;
            Group.Barrier();
            for (int c = t; c < d; c += AttentionTile)
            {
                float sum = 0f;
                for (int jj = 0; jj < n; jj++) sum += ds[jj] * tileK[jj * (d + 1) + c];
                dq[c] += sum;
            }
            Group.Barrier();
        }
        for (int c = t; c < d; c += AttentionTile) dQ[row * d + c] += a.Scale * dq[c];
        if (a.HasDGate != 0)
        {
            float rowGate = GroupReduce.Sum(red, gatePart);
            if (t == 0) Atomic.Add(ref dGate[h], rowGate);
        }
    }

    [IlgpuKernel]
    static void AttentionBackwardKeyKernel(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> mask,
                                           ArrayView<float> gate, ArrayView<float> o, ArrayView<float> lse, ArrayView<float> dO,
                                           ArrayView<float> dK, ArrayView<float> dV, AttentionArgs a)
    {
        var ks = SharedMemory.Allocate<float>(AttentionMaxDim);
        var vs = SharedMemory.Allocate<float>(AttentionMaxDim);
        var dk = SharedMemory.Allocate<float>(AttentionMaxDim);
        var dv = SharedMemory.Allocate<float>(AttentionMaxDim);
        var tileQ = SharedMemory.Allocate<float>(AttentionTileFloats);
        var tileDO = SharedMemory.Allocate<float>(AttentionTileFloats);
        var dsS = SharedMemory.Allocate<float>(AttentionTile);
        var gpS = SharedMemory.Allocate<float>(AttentionTile);
        int t = Group.IdxX, keyRow = Grid.IdxX, d = a.D;
        int j = keyRow % a.Tk, bh = keyRow / a.Tk, b = bh / a.Heads;
        if (a.HasMask != 0 && mask[b * a.Tk + j] == 0f) return; // padding: no query sees this key
        float g = a.HasGate != 0 ? gate[bh % a.Heads] : 1f;
        for (int c = t; c < d; c += AttentionTile)
        {
            ks[c] = k[keyRow * d + c];
            vs[c] = v[keyRow * d + c];
            dk[c] = 0f;
            dv[c] = 0f;
        }
        Group.Barrier();
        int queries = bh * a.Tq;
        // Causal: query i sees j iff i >= j - (Tk - Tq).
        int iStart = a.Causal != 0 ? IntrinsicMath.Max(0, j - (a.Tk - a.Tq)) : 0;
        for (int i0 = iStart; i0 < a.Tq; i0 += AttentionTile)
        {
            int n = IntrinsicMath.Min(AttentionTile, a.Tq - i0);
            LoadTile(q, queries + i0, n, d, tileQ);
            LoadTile(dO, queries + i0, n, d, tileDO);
            Group.Barrier();
            float dS = 0f, gp = 0f;
            int row = queries + i0 + t;
            float rowLse = t < n ? lse[row] : float.NegativeInfinity;
            if (rowLse != float.NegativeInfinity) // a row that sees this key has a finite lse; guard anyway
            {
                float p = MathF.Exp(a.Scale * TileDot(ks, tileQ, t, d) - rowLse);
                float dpv = TileDot(vs, tileDO, t, d);
                float delta = 0f;
                for (int c = 0; c < d; c++) delta += tileDO[t * (d + 1) + c] * o[row * d + c];
                dS = p * (g * dpv - delta);
                gp = g * p;
            }
            dsS[t] = dS;
            gpS[t] = gp;
            Group.Barrier();
            for (int c = t; c < d; c += AttentionTile)
            {
                float sk = 0f, sv = 0f;
                for (int ii = 0; ii < n; ii++)
                {
                    sk += dsS[ii] * tileQ[ii * (d + 1) + c];
                    sv += gpS[ii] * tileDO[ii * (d + 1) + c];
                }
                dk[c] += sk;
                dv[c] += sv;
            }
            Group.Barrier();
        }
        for (int c = t; c < d; c += AttentionTile)
        {
            dK[keyRow * d + c] += a.Scale * dk[c];
            dV[keyRow * d + c] += dv[c];
        }
    }
}
