namespace NativeDsp.Kernels.Host;

/// <summary>
/// One (b, h) pair of the fused attention, walked in blocks of query rows (see <see cref="HostKernels"/>).
/// Pointers address the whole tensors; the constructor transposes this head's K (and V, for the backward
/// pass) into the worker's tiles and builds the additive key mask (0 or -inf, padding columns -inf).
/// </summary>
internal readonly unsafe struct AttentionItem
{
    const int Rows = 16; // = HostKernels.QueryBlock, the tiles are sized for it

    readonly AttentionShape s;
    readonly int tkPad, ld, d;
    readonly long qOffset;
    readonly float g;
    readonly float* q, k, v, lse, kt, vt, scores, grads, maskAdd;

    public AttentionItem(AttentionShape s, int bh, int tkPad, int ld, float* q, float* k, float* v, float* mask, float* gate,
                         float* lse, AttentionScratch tiles)
    {
        this.s = s;
        this.tkPad = tkPad;
        this.ld = ld;
        d = s.HeadDim;
        int b = bh / s.Heads;
        g = gate is null ? 1f : gate[bh % s.Heads];
        qOffset = (long)bh * s.QueryLength * d;
        this.q = q + qOffset;
        this.k = k + (long)bh * s.KeyLength * d;
        this.v = v + (long)bh * s.KeyLength * d;
        this.lse = lse + (long)bh * s.QueryLength;
        kt = tiles.Kt; vt = tiles.Vt; scores = tiles.Scores; grads = tiles.Grads; maskAdd = tiles.MaskAdd;
        for (int j = 0; j < tkPad; j++)
            maskAdd[j] = j < s.KeyLength && (mask is null || mask[(long)b * s.KeyLength + j] != 0f) ? 0f : float.NegativeInfinity;
        Transpose(this.k, kt);
    }

    void Transpose(float* src, float* dst)
    {
        for (int j = 0; j < s.KeyLength; j++)
            for (int c = 0; c < d; c++) dst[c * ld + j] = src[j * d + c];
        for (int c = 0; c < d; c++)
            for (int j = s.KeyLength; j < tkPad; j++) dst[c * ld + j] = 0f; // padding keys give finite scores (then masked)
    }

    static int Pad<TV, TS>(int n) where TV : struct where TS : struct, IAttentionSimd<TV> => (n + TS.Lanes - 1) / TS.Lanes * TS.Lanes;

    /// <summary>The keys a block of rows starting at i0 needs: up to what its last row can see.</summary>
    int BlockKeys(int i0, int rows) => Math.Max(0, s.VisibleKeys(i0 + rows - 1));

    /// <summary>Scores of one block: scale * Q_rows K^T over the first jPad (padded) keys into <see cref="scores"/>.</summary>
    void Scores<TV, TS>(int i0, int rows, int jPad) where TV : struct where TS : struct, IAttentionSimd<TV> =>
        AttentionGemm.Run<TV, TS>(q + (long)i0 * d, d, 1, kt, ld, scores, ld, rows, jPad, d, s.Scale, accumulate: false);

    /// <summary>
    /// Adds the masks to score row r (query i) over [0, jPad): key padding, causal limit and padded keys
    /// become -inf. Returns the row maximum.
    /// </summary>
    float MaskRow<TV, TS>(float* row, int i, int jPad) where TV : struct where TS : struct, IAttentionSimd<TV>
    {
        for (int j = Math.Max(0, s.VisibleKeys(i)); j < jPad; j++) row[j] = float.NegativeInfinity;
        TV mx = TS.Splat(float.NegativeInfinity);
        for (int j = 0; j < jPad; j += TS.Lanes)
        {
            TV x = TS.Add(TS.Load(row + j), TS.Load(maskAdd + j));
            TS.Store(row + j, x);
            mx = TS.Max(mx, x);
        }
        return TS.MaxAcross(mx);
    }

    /// <summary>Forward over query rows [qa, qb): writes O (o points at the whole tensor) and lse.</summary>
    public void Forward<TV, TS>(float* o, int qa, int qb) where TV : struct where TS : struct, IAttentionSimd<TV>
    {
        o += qOffset;
        for (int i0 = qa; i0 < qb; i0 += Rows)
        {
            int rows = Math.Min(Rows, qb - i0);
            int jEnd = BlockKeys(i0, rows), jPad = Pad<TV, TS>(jEnd);
            if (jEnd > 0) Scores<TV, TS>(i0, rows, jPad);
            for (int r = 0; r < rows; r++)
            {
                float* row = scores + r * ld;
                float mx = jEnd > 0 ? MaskRow<TV, TS>(row, i0 + r, jPad) : float.NegativeInfinity;
                if (mx == float.NegativeInfinity)
                {
                    // Nothing to attend: zero output (not 0/0) and lse = -inf, which backward reads as "skip".
                    new Span<float>(row, jPad).Clear();
                    lse[i0 + r] = float.NegativeInfinity;
                    continue;
                }
                TV m = TS.Splat(mx), sum = TS.Zero;
                for (int j = 0; j < jPad; j += TS.Lanes)
                {
                    TV e = TS.Exp(TS.Sub(TS.Load(row + j), m));
                    TS.Store(row + j, e);
                    sum = TS.Add(sum, e);
                }
                float total = TS.Sum(sum);
                lse[i0 + r] = mx + MathF.Log(total);
                TV norm = TS.Splat(g / total); // the head gate folded into the normalisation
                for (int j = 0; j < jPad; j += TS.Lanes) TS.Store(row + j, TS.Mul(TS.Load(row + j), norm));
            }
            if (jEnd > 0)
                AttentionGemm.Run<TV, TS>(scores, ld, 1, v, d, o + (long)i0 * d, d, rows, d, jEnd, 1f, accumulate: false);
            else
                new Span<float>(o + (long)i0 * d, rows * d).Clear();
        }
    }

    /// <summary>
    /// Backward over query rows [qa, qb): adds into dQ (whole tensor) and into dK, dV (this head's
    /// [Tk, D] block, or a private partial); returns this item's share of dGate[h].
    /// </summary>
    public double Backward<TV, TS>(float* dO, float* dQ, float* dK, float* dV, int qa, int qb)
        where TV : struct where TS : struct, IAttentionSimd<TV>
    {
        dO += qOffset;
        dQ += qOffset;
        Transpose(v, vt);
        double gateSum = 0;
        for (int i0 = qa; i0 < qb; i0 += Rows)
        {
            int rows = Math.Min(Rows, qb - i0);
            int jEnd = BlockKeys(i0, rows), jPad = Pad<TV, TS>(jEnd);
            if (jEnd == 0) continue;
            Scores<TV, TS>(i0, rows, jPad);
            // dP' = dO V^T (without the gate) over the same keys.
            AttentionGemm.Run<TV, TS>(dO + (long)i0 * d, d, 1, vt, ld, grads, ld, rows, jPad, d, 1f, accumulate: false);
            for (int r = 0; r < rows; r++)
            {
                float* p = scores + r * ld, dp = grads + r * ld;
                float rowLse = lse[i0 + r];
                if (rowLse == float.NegativeInfinity)
                {
                    new Span<float>(p, jPad).Clear();
                    new Span<float>(dp, jPad).Clear();
                    continue;
                }
                MaskRow<TV, TS>(p, i0 + r, jPad);
                TV l = TS.Splat(rowLse), acc = TS.Zero;
                for (int j = 0; j < jPad; j += TS.Lanes)
                {
                    TV pj = TS.Exp(TS.Sub(TS.Load(p + j), l));
                    TS.Store(p + j, pj);
                    acc = TS.Fma(pj, TS.Load(dp + j), acc);
                }
                // rowGate = sum_j P_ij (dO_i . V_j): this row's dGate term; rowsum(dP P) = g * rowGate.
                float rowGate = TS.Sum(acc);
                gateSum += rowGate;
                TV gv = TS.Splat(g), rg = TS.Splat(rowGate);
                for (int j = 0; j < jPad; j += TS.Lanes)
                {
                    TV pj = TS.Load(p + j);
                    TS.Store(dp + j, TS.Mul(TS.Mul(gv, pj), TS.Sub(TS.Load(dp + j), rg))); // dS = g P (dP' - rowGate)
                    TS.Store(p + j, TS.Mul(gv, pj));                                          // g P, for dV
                }
            }
            if (g == 0f) continue; // a pruned head passes no gradient to Q, K, V (but dGate above is exact)
            float* qi = q + (long)i0 * d, dOi = dO + (long)i0 * d;
            AttentionGemm.Run<TV, TS>(grads, ld, 1, k, d, dQ + (long)i0 * d, d, rows, d, jEnd, s.Scale, accumulate: true);
            AttentionGemm.Run<TV, TS>(grads, 1, ld, qi, d, dK, d, jEnd, d, rows, s.Scale, accumulate: true);
            AttentionGemm.Run<TV, TS>(scores, 1, ld, dOi, d, dV, d, jEnd, d, rows, 1f, accumulate: true);
        }
        return gateSum;
    }

    }
