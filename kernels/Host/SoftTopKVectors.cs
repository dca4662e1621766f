using System.Numerics;
using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Kernels.Host;

// The vector passes of the Host soft top-K (see SoftTopK.cs for the math). Each pass runs every element,
// the tail included, through the same Vector<double> code (the tail via a padded stack copy), so equal
// inputs give bit-equal outputs wherever they sit: exact ties stay exact ties.
public sealed partial class HostKernels
{
    /// <summary>
    /// d = x - xMax (into <paramref name="shifted"/> unless empty), x = exp(d) or 0 below FlushBelow;
    /// returns the sum of the new x.
    /// </summary>
    static double ShiftExpSum(Span<double> x, double xMax, Span<double> shifted)
    {
        int n = x.Length, w = Vector<double>.Count, i = 0;
        var vMax = new Vector<double>(xMax);
        var flush = new Vector<double>(SoftTopKLayout.FlushBelow);
        var acc = Vector<double>.Zero;
        bool store = !shifted.IsEmpty;
        for (; i <= n - w; i += w)
        {
            var d = new Vector<double>(x[i..]) - vMax;
            if (store) d.CopyTo(shifted[i..]);
            var e = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(d, flush), Vector.Exp(Vector.Max(d, flush)), Vector<double>.Zero);
            e.CopyTo(x[i..]);
            acc += e;
        }
        if (i < n)
        {
            Span<double> pad = stackalloc double[w];
            pad.Fill(double.NegativeInfinity);
            x[i..].CopyTo(pad);
            var d = new Vector<double>(pad) - vMax;
            var e = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(d, flush), Vector.Exp(Vector.Max(d, flush)), Vector<double>.Zero);
            if (store)
            {
                d.CopyTo(pad);
                pad[..(n - i)].CopyTo(shifted[i..]);
            }
            e.CopyTo(pad);
            pad[..(n - i)].CopyTo(x[i..]);
            acc += e; // padded lanes are exp(-inf) = 0
        }
        return Vector.Sum(acc);
    }

    /// <summary>p = e * invZ in place; then, unless <paramref name="next"/> is empty, next += log(1 - p) * invTau.</summary>
    static void ScaleAndPenalise(Span<double> p, double invZ, Span<double> next, double invTau)
    {
        int n = p.Length, w = Vector<double>.Count, i = 0;
        var vInvZ = new Vector<double>(invZ);
        var vInvTau = new Vector<double>(invTau);
        bool update = !next.IsEmpty;
        for (; i <= n - w; i += w)
        {
            var pv = new Vector<double>(p[i..]) * vInvZ;
            pv.CopyTo(p[i..]);
            if (update) (new Vector<double>(next[i..]) + Vector.Log(Vector<double>.One - pv) * vInvTau).CopyTo(next[i..]);
        }
        if (i < n)
        {
            Span<double> pad = stackalloc double[w];
            Span<double> padNext = stackalloc double[w];
            p[i..].CopyTo(pad);
            var pv = new Vector<double>(pad) * vInvZ;
            pv.CopyTo(pad);
            pad[..(n - i)].CopyTo(p[i..]);
            if (update)
            {
                next[i..].CopyTo(padNext);
                (new Vector<double>(padNext) + Vector.Log(Vector<double>.One - pv) * vInvTau).CopyTo(padNext);
                padNext[..(n - i)].CopyTo(next[i..]);
            }
        }
    }

    /// <summary>odds_i = p_i / (1 - p_i); returns (sum_i dm_i p_i, sum_i dr_i odds_i).</summary>
    static (double DotMaskP, double T) OddsAndSums(ReadOnlySpan<double> p, ReadOnlySpan<double> dm, ReadOnlySpan<double> dr, Span<double> odds)
    {
        int n = p.Length, i = 0;
        var one = Vector<double>.One;
        var accC = Vector<double>.Zero;
        var accT = Vector<double>.Zero;
        for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
        {
            var pv = new Vector<double>(p[i..]);
            var o = pv / (one - pv);
            o.CopyTo(odds[i..]);
            accC += new Vector<double>(dm[i..]) * pv;
            accT += new Vector<double>(dr[i..]) * o;
        }
        double c = Vector.Sum(accC), t = Vector.Sum(accT);
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
        var limit = new Vector<double>(SoftTopKLayout.GradientLimit);
        var vShared = new Vector<double>(shared);
        var vToOthers = new Vector<double>(toOthers);
        var vInvQ = new Vector<double>(invQ);
        var vInvTau = new Vector<double>(invTau);
        for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
        {
            var pv = new Vector<double>(p[i..]);
            var drv = new Vector<double>(dr[i..]);
            var da = pv * (new Vector<double>(dm[i..]) + vShared) - drv * new Vector<double>(odds[i..]) + vToOthers * (pv * vInvQ);
            Vector.Min(Vector.Max(drv + da * vInvTau, -limit), limit).CopyTo(dr[i..]);
        }
        for (; i < n; i++)
        {
            double da = p[i] * (dm[i] + shared) - dr[i] * odds[i] + toOthers * (p[i] * invQ);
            dr[i] = Math.Clamp(dr[i] + da * invTau, -SoftTopKLayout.GradientLimit, SoftTopKLayout.GradientLimit);
        }
    }
}
