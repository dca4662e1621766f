using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Kernels.Host;

// Fused because: composed of primitives, K softmax iterations over H units would be ~6K launches of
// H-element ops per step, and the plain composition cancels (1 - p) to 0 at small tau; one kernel runs all
// K iterations in float64 in the stable form and saves what an analytic backward needs: every iteration's
// row while K H is small, else checkpoints every ceil(sqrt K) iterations from which the backward pass
// recomputes each block's rows bit for bit (SoftTopKLayout). Single-threaded per call (the K iterations are
// sequential; independent budget segments are separate calls that callers may run in parallel),
// vectorised in float64, and allocation-free: the `saved` buffer carries the workspace.
//
// ---- Forward, in scaled scores x = r / tau (softmax is shift-invariant, so x is kept shifted by its max)
// Iteration j: m = argmax x (lowest index on ties), e_i = exp(x_i - x_m) (e_m = 1 exactly),
// S = sum_{i != m} e_i, Z = 1 + S, p_i = e_i / Z. Then L_i = log(max(1 - p_i, eps)) and x += L / tau.
// The plain 1 - p_m cancels to 0 once p_m rounds to 1 (e.g. gap 40 at tau = 1), which turns a finite
// log(1 - p_m) into log(eps) = -708 and changes every later iteration. Instead:
//   - for i != m, p_i <= 1/2 (p_i <= p_m and p_i + p_m <= 1), so 1 - p_i has no cancellation;
//   - for m, q = 1 - p_m = S / Z exactly to rounding, and log q = log S - log Z (used when p_m > 1/2,
//     i.e. S < 1); S underflowing to 0 means q < eps, where the clamp gives log(eps) anyway.
// The saved q keeps that accuracy for the backward pass. Terms exp(d) < e^-700 are flushed to 0 (see
// SoftTopKLayout.FlushBelow); where that could matter, when 1 - p_m lies in (eps, 1e-280], log q is
// recomputed by a log-sum-exp of the shifted scores and the row keeps p_i / q for i != m
// (SoftTopKLayout.RatioBand), so the result stays exact to rounding there too.
//
// ---- Backward. With a_j = r_j / tau, p_j = softmax(a_j), r_{j+1} = r_j + L_j, going j = K..1 with
// dr = dL/dr_{j+1} (0 for j = K):
//   u_h   = dp_h = dmask_h - [1 - p_h > eps] dr_h / (1 - p_h)
//   da_h  = p_h (u_h - <u, p>)                      (softmax backward)
//   dr_h <- dr_h + da_h / tau;   at the end dw = dr (and dg = dw).
// Written out with c = <dmask, p>, odds_i = p_i / (1 - p_i), T = sum_{i != m} dr_i odds_i and
// [m] = [q > eps] (only m can be clamped, since 1 - p_i >= 1/2 for i != m):
//   i != m:  da_i = p_i (dmask_i - c + T) - dr_i odds_i + [m] dr_m p_m (p_i / q)
//   i == m:  da_m = p_m (dmask_m - c + T) - [m] dr_m p_m
// The i == m line is -dr_m odds_m + p_m dr_m odds_m = -dr_m odds_m (1 - p_m) simplified exactly: the
// two terms are ~1e300 each when q ~ 1e-300 and would cancel to noise or overflow. In the i != m line
// p_i / q <= 1 (p_i <= 1 - p_m) is formed before multiplying, so no intermediate exceeds |dr| by more than
// a factor of H. |dr| is saturated at GradientLimit each iteration: at exact ties the true derivative
// grows like tau^-K (see SoftTopKLayout.GradientLimit), everywhere else the bound is never reached.
// In a ratio-band iteration p_i < 1e-280 for i != m, so every term but [m] dr_m p_m (p_i / q) is dropped:
//   i != m:  da_i = dr_m p_m ratio_i,    i == m:  da_m = p_m dmask_m (1 - p_m) - dr_m p_m.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void SoftTopKForward(DeviceBuffer<float> logits, DeviceBuffer<float>? noise, DeviceBuffer<float> mask,
                                DeviceBuffer<double> saved, int heads, int k, double tau)
    {
        PruningChecks.SoftTopKForward(logits, noise, mask, saved, heads, k, tau);
        SoftTopKForward(A(logits).AsSpan(0, heads), noise is null ? default : A(noise).AsSpan(0, heads), A(mask).AsSpan(0, heads),
                        A(saved).AsSpan(0, (int)SoftTopKLayout.SavedLength(heads, k)), k, tau);
    }

    /// <summary>The forward pass over spans (see <see cref="SoftTopKForward(DeviceBuffer{float}, DeviceBuffer{float}?, DeviceBuffer{float}, DeviceBuffer{double}, int, int, double)"/>); an empty noise span means g = 0.</summary>
    internal static void SoftTopKForward(ReadOnlySpan<float> w, ReadOnlySpan<float> g, Span<float> y, Span<double> s, int k, double tau)
    {
        int h = w.Length;
        int c = SoftTopKLayout.CheckpointInterval(h, k), n = SoftTopKLayout.Checkpoints(h, k);
        double invTau = 1.0 / tau;

        var first = s.Slice(SoftTopKLayout.CheckpointOffset(h, 0), h);
        if (g.IsEmpty)
            for (int i = 0; i < h; i++) first[i] = w[i] / tau;
        else
            for (int i = 0; i < h; i++) first[i] = ((double)w[i] + g[i]) / tau;

        var work = s.Slice(SoftTopKLayout.WorkspaceOffset(h, k), h);
        work.Clear();
        for (int j = 0; j < k; j++)
        {
            var row = Iteration(s, h, k, c, n, j, invTau);
            // The mask is the sum of the rows in iteration order (the same additions as summing all rows at the end).
            double code = s[SoftTopKLayout.ArgmaxOffset(h, k, j)];
            if (SoftTopKLayout.RowHoldsRatios(code))
                work[SoftTopKLayout.DecodeArgmax(code)] += 1.0; // p_m = 1 / (1 + S) = 1, and the others < 1e-280
            else
                TensorPrimitives.Add(work, row, work);
        }
        for (int i = 0; i < h; i++) y[i] = (float)work[i];
    }

    /// <summary>
    /// Iteration j: its row (block row j mod C, first filled from its checkpoint at a block's start) holds x_j on
    /// entry and p_j (or ratios) on exit; x_{j+1} goes to <see cref="SoftTopKLayout.NextRowOffset"/>; the argmax
    /// code and q_j are saved. A pure function of x_j, so a recomputation gives the same bits. Returns the row.
    /// </summary>
    static Span<double> Iteration(Span<double> s, int h, int k, int c, int n, int j, double invTau)
    {
        // Row j holds the scores x_j on entry and p_j on exit; the next row receives x_{j+1}.
        var row = s.Slice(SoftTopKLayout.ProbabilitiesOffset(h, n, c, j), h);
        if (j % c == 0) s.Slice(SoftTopKLayout.CheckpointOffset(h, j / c), h).CopyTo(row);
        int m = TensorPrimitives.IndexOfMax<double>(row);
        double xMax = row[m];
        bool last = j == k - 1;
        var next = last ? Span<double>.Empty : s.Slice(SoftTopKLayout.NextRowOffset(h, n, c, j), h);

        row[m] = double.NegativeInfinity; // leaves e_m out of S; e_m = 1 and d_m = 0 exactly
        var (rest, second) = ShiftExpSum(row, xMax, next); // second: the largest d_i, i != m
        row[m] = 1.0;
        if (!last) next[m] = 0.0;

        bool ratios = !last && rest < SoftTopKLayout.RatioBand && RatioBand(row, next, m, second, invTau, out rest);
        double z = 1.0 + rest, invZ = 1.0 / z;
        if (!ratios)
        {
            // m is left out of the vector pass (log(1 - p_m) may be log 0, which sends the whole vector
            // down the slow special-value path) and done on its own.
            row[m] = 0.0;
            ScaleAndPenalise(row, invZ, next, invTau);
            row[m] = invZ;
            if (!last)
            {
                // Only when p_m > 1/2 (S < 1) does 1 - p_m cancel. Otherwise log(1 - p_m) is exact too and
                // is taken with the same vector Log as the other heads, so that exact ties stay exactly
                // tied (at tau = 1e-8 a tie broken by one rounding is amplified ~1/tau per iteration).
                // log(0) = -inf when S is 0, and the clamp takes over.
                next[m] = rest < 1.0
                    ? Math.Max(Math.Log(rest) - Math.Log(z), SoftTopKLayout.LogEps) * invTau
                    : Vector512.Log(Vector512.Create(1.0 - invZ)).ToScalar() * invTau;
            }
        }
        s[SoftTopKLayout.ArgmaxOffset(h, k, j)] = SoftTopKLayout.EncodeArgmax(m, ratios);
        s[SoftTopKLayout.OneMinusPmaxOffset(h, k, j)] = rest * invZ;
        return row;
    }

    /// <summary>
    /// S (= 1 - p_m to rounding, as Z = 1) came out below RatioBand with the flushed terms missing: recompute
    /// it exactly from the shifted scores d in <paramref name="next"/> (d_m = 0). If the clamp is open
    /// (S &gt; eps), write the ratio row and x_{j+1}[m] and return true; otherwise return false with the exact S
    /// (&lt;= eps), and the caller's ordinary pass applies the clamp.
    /// </summary>
    static bool RatioBand(Span<double> row, Span<double> next, int m, double second, double invTau, out double rest)
    {
        int h = row.Length;
        rest = 0.0;
        // S <= (H - 1) e^second: below eps for sure, nothing to recompute.
        if (second < SoftTopKLayout.LogEps - Math.Log(h)) return false;
        double sum = 0.0;
        for (int i = 0; i < h; i++)
            if (i != m) sum += Math.Exp(next[i] - second);
        double logRest = second + Math.Log(sum);
        rest = Math.Exp(logRest);
        if (!(rest > SoftTopKLayout.Eps)) return false;
        for (int i = 0; i < h; i++)
            row[i] = i == m ? 1.0 : Math.Exp(next[i] - logRest);
        // For i != m, log(1 - p_i) = -p_i < 1e-280 leaves next[i] unchanged; log Z = log(1 + S) = 0.
        next[m] = logRest * invTau;
        return true;
    }

    /// <inheritdoc/>
    public void SoftTopKBackward(DeviceBuffer<double> saved, DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits,
                                 int heads, int k, double tau)
    {
        PruningChecks.SoftTopKBackward(saved, dmask, dlogits, heads, k, tau);
        SoftTopKBackward(A(saved).AsSpan(0, (int)SoftTopKLayout.SavedLength(heads, k)), A(dmask).AsSpan(0, heads), A(dlogits).AsSpan(0, heads), k, tau);
    }

    /// <summary>The backward pass over spans (see <see cref="SoftTopKBackward(DeviceBuffer{double}, DeviceBuffer{float}, DeviceBuffer{float}, int, int, double)"/>).</summary>
    internal static void SoftTopKBackward(Span<double> s, ReadOnlySpan<float> dmask, Span<float> dw, int k, double tau)
    {
        int h = dmask.Length;
        int c = SoftTopKLayout.CheckpointInterval(h, k), n = SoftTopKLayout.Checkpoints(h, k);
        double invTau = 1.0 / tau;
        int ws = SoftTopKLayout.WorkspaceOffset(h, k);
        var dr = s.Slice(ws, h);
        var dm = s.Slice(ws + h, h);
        var odds = s.Slice(ws + 2 * h, h);
        dr.Clear();
        for (int i = 0; i < h; i++) dm[i] = dmask[i];
        const double limit = SoftTopKLayout.GradientLimit;

        for (int b = n - 1; b >= 0; b--)
        {
            int start = b * c, end = Math.Min(k, start + c);
            // One block (n = 1) is still in the rows from the forward pass; otherwise every block is recomputed
            // from its checkpoint, the last one too, since an earlier backward call may have overwritten it.
            if (n > 1)
                for (int j = start; j < end; j++) Iteration(s, h, k, c, n, j, invTau);

            for (int j = end - 1; j >= start; j--)
            {
                var p = s.Slice(SoftTopKLayout.ProbabilitiesOffset(h, n, c, j), h);
                double code = s[SoftTopKLayout.ArgmaxOffset(h, k, j)];
                int m = SoftTopKLayout.DecodeArgmax(code);
                double q = s[SoftTopKLayout.OneMinusPmaxOffset(h, k, j)];
                double pm = p[m], drm = dr[m];

                if (SoftTopKLayout.RowHoldsRatios(code))
                {
                    double toOthers = drm * pm;
                    for (int i = 0; i < h; i++)
                        if (i != m) dr[i] = Math.Clamp(dr[i] + toOthers * p[i] * invTau, -limit, limit);
                    dr[m] = Math.Clamp(drm + (pm * dm[m] * q - drm * pm) * invTau, -limit, limit);
                    continue;
                }

                bool open = q > SoftTopKLayout.Eps; // the clamp max(1 - p_m, eps) passes the gradient
                // Element m is handled apart: with p_m = 0 in the vector passes it contributes nothing there
                // (its odds could be 1/0), and its row entry is restored at the end.
                p[m] = 0.0;
                var (dotMaskP, t) = OddsAndSums(p, dm, dr, odds);
                double cm = dotMaskP + dm[m] * pm;
                double shared = t - cm;
                UpdateDr(p, dm, dr, odds, shared, open ? drm * pm : 0.0, open ? 1.0 / q : 0.0, invTau);
                double daM = pm * (dm[m] + shared) - (open ? drm * pm : 0.0);
                dr[m] = Math.Clamp(drm + daM * invTau, -limit, limit);
                p[m] = pm;
            }
        }

        for (int i = 0; i < h; i++) dw[i] += (float)dr[i];
    }
}
