using System.Runtime.Intrinsics;
using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Kernels.Host;

// The vector passes of the Host soft top-K (see SoftTopK.cs for the math). Each pass runs every element,
// the tail included, through the same Vector512<double> code (the tail via a padded stack copy), so equal
// inputs give bit-equal outputs wherever they sit: exact ties stay exact ties. Vector512 rather than
// Vector<double>: its Exp/Log are the AVX-512 ones here (Vector<double> is 256 bits wide by default and
// measured ~5x slower for Exp), and without AVX-512 .NET runs Vector512 as two 256-bit halves.
public sealed partial class HostKernels
{
    /// <summary>
    /// d = x - xMax (into <paramref name="shifted"/> unless empty), x = exp(d) or 0 below FlushBelow.
    /// Returns the sum of the new x and the largest d. A vector whose lanes are all flushed skips the Exp:
    /// late in an anneal almost every head is, and the result is the same bits.
    /// </summary>
    static (double Sum, double MaxShifted) ShiftExpSum(Span<double> x, double xMax, Span<double> shifted)
    {
        int n = x.Length, w = Vector512<double>.Count, i = 0;
        var vMax = Vector512.Create(xMax);
        var acc = Vector512<double>.Zero;
        var top = Vector512.Create(double.NegativeInfinity);
        bool store = !shifted.IsEmpty;
        for (; i <= n - w; i += w)
        {
            var d = Vector512.Create(x.Slice(i)) - vMax;
            if (store) d.CopyTo(shifted.Slice(i));
            top = Vector512.Max(top, d);
            var e = FlushedExp(d);
            e.CopyTo(x.Slice(i));
            acc += e;
        }
        if (i < n)
        {
            Span<double> pad = stackalloc double[w];
            pad.Fill(double.NegativeInfinity);
            x[i..].CopyTo(pad);
            var d = Vector512.Create(pad) - vMax;
            top = Vector512.Max(top, d);
            var e = FlushedExp(d);
            if (store)
            {
                d.CopyTo(pad);
                pad[..(n - i)].CopyTo(shifted[i..]);
            }
            e.CopyTo(pad);
            pad[..(n - i)].CopyTo(x[i..]);
            acc += e; // padded lanes are exp(-inf) = 0
        }
        double largest = double.NegativeInfinity;
        for (int l = 0; l < w; l++) largest = Math.Max(largest, top[l]);
        return (Vector512.Sum(acc), largest);
    }

    static Vector512<double> FlushedExp(Vector512<double> d)
    {
        var flush = Vector512.Create(SoftTopKLayout.FlushBelow);
        var keep = Vector512.GreaterThanOrEqual(d, flush);
        if (keep == Vector512<double>.Zero) return Vector512<double>.Zero;
        return Vector512.ConditionalSelect(keep, Vector512.Exp(Vector512.Max(d, flush)), Vector512<double>.Zero);
    }

    /// <summary>
    /// p = e * invZ in place; then, unless <paramref name="next"/> is empty, next += log(1 - p) * invTau
    /// (a vector of zeros adds log 1 = 0 and skips the Log).
    /// </summary>
    static void ScaleAndPenalise(Span<double> p, double invZ, Span<double> next, double invTau)
    {
        int n = p.Length, w = Vector512<double>.Count, i = 0;
        var vInvZ = Vector512.Create(invZ);
        var vInvTau = Vector512.Create(invTau);
        bool update = !next.IsEmpty;
        for (; i <= n - w; i += w)
        {
            var pv = Vector512.Create(p.Slice(i)) * vInvZ;
            pv.CopyTo(p.Slice(i));
            if (update && pv != Vector512<double>.Zero)
                (Vector512.Create(next.Slice(i)) + Vector512.Log(Vector512<double>.One - pv) * vInvTau).CopyTo(next.Slice(i));
        }
        if (i < n)
        {
            Span<double> pad = stackalloc double[w];
            Span<double> padNext = stackalloc double[w];
            p[i..].CopyTo(pad);
            var pv = Vector512.Create(pad) * vInvZ;
            pv.CopyTo(pad);
            pad[..(n - i)].CopyTo(p[i..]);
            if (update && pv != Vector512<double>.Zero)
            {
                next[i..].CopyTo(padNext);
                (Vector512.Create(padNext) + Vector512.Log(Vector512<double>.One - pv) * vInvTau).CopyTo(padNext);
                padNext[..(n - i)].CopyTo(next[i..]);
            }
        }
    }

    /// <summary>odds_i = p_i / (1 - p_i); returns (sum_i dm_i p_i, sum_i dr_i odds_i).</summary>
    static (double DotMaskP, double T) OddsAndSums(ReadOnlySpan<double> p, ReadOnlySpan<double> dm, ReadOnlySpan<double> dr, Span<double> odds)
    {
        int n = p.Length, i = 0;
        var one = Vector512<double>.One;
        var accC = Vector512<double>.Zero;
        var accT = Vector512<double>.Zero;
        for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
        {
            var pv = Vector512.Create(p[i..]);
            var o = pv / (one - pv);
            o.CopyTo(odds[i..]);
            accC += Vector512.Create(dm[i..]) * pv;
            accT += Vector512.Create(dr[i..]) * o;
        }
        double c = Vector512.Sum(accC), t = Vector512.Sum(accT);
        for (; i < n; i++)
        {
            double o = p[i] / (1.0 - p[i]);
            odds[i] = o;
            c += dm[i] * p[i];
            t += dr[i] * o;
        }
        return (c, t);
    }

    /// <summary>dr_i += (p_i (dm_i + shared) - dr_i odds_i + toOthers (p_i invQ)) / tau, saturated; see SoftTopK.cs.</summary>
    static void UpdateDr(ReadOnlySpan<double> p, ReadOnlySpan<double> dm, Span<double> dr, ReadOnlySpan<double> odds,
                         double shared, double toOthers, double invQ, double invTau)
    {
        int n = p.Length, i = 0;
        var limit = Vector512.Create(SoftTopKLayout.GradientLimit);
        var vShared = Vector512.Create(shared);
        var vToOthers = Vector512.Create(toOthers);
        var vInvQ = Vector512.Create(invQ);
        var vInvTau = Vector512.Create(invTau);
        for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
        {
            var pv = Vector512.Create(p[i..]);
            var drv = Vector512.Create(dr[i..]);
            var da = pv * (Vector512.Create(dm[i..]) + vShared) - drv * Vector512.Create(odds[i..]) + vToOthers * (pv * vInvQ);
            Vector512.Min(Vector512.Max(drv + da * vInvTau, -limit), limit).CopyTo(dr.Slice(i));
        }
        for (; i < n; i++)
        {
            double da = p[i] * (dm[i] + shared) - dr[i] * odds[i] + toOthers * (p[i] * invQ);
            dr[i] = Math.Clamp(dr[i] + da * invTau, -SoftTopKLayout.GradientLimit, SoftTopKLayout.GradientLimit);
        }
    }
}
