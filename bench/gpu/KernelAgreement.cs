using NativeDsp.Kernels;

namespace NativeDsp.GpuCheck;

/// <summary>One element (or one whole case) on which the checked backend disagreed with Host.</summary>
/// <param name="Op">The kernel method, e.g. <c>MatMul</c>.</param>
/// <param name="Shape">The case's sizes as text.</param>
/// <param name="Buffer">The compared output buffer (its index and name), or "exception".</param>
/// <param name="Detail">The worst element: checked value, Host value, allowance; or the exception message.</param>
/// <param name="ErrorRatio">|checked - host| / allowed at the worst element (infinity for NaN mismatches and exceptions).</param>
public sealed record AgreementFailure(string Op, string Shape, string Buffer, string Detail, double ErrorRatio);

/// <summary>
/// How far the checked backend may differ from Host on one output buffer. Both sides compute in float32 with
/// different summation orders, so the allowance is the tests' bound counted twice (once per side):
/// <c>|checked - host| &lt;= Rel |host| + AbsOfMax max|host| + Abs</c>, or, where <see cref="Allowed"/> is given,
/// the per-element bound it holds (GEMM: 8 (sqrt(k) + 2) eps sum_p |a_ip b_pj|, see MatMulTests).
/// <see cref="Exact"/> demands bit equality (Philox draws, dropout masks, hard top-K).
/// </summary>
public sealed record Tolerance(double Rel, double AbsOfMax, double Abs = 0, bool Exact = false, float[]? Allowed = null)
{
    /// <summary>tests/Kernels/IlgpuSpecificTests.cs: float sums of up to ~1000 terms in two orders.</summary>
    public static Tolerance Sums => new(2e-5, 2e-6);

    /// <summary>Bit equality.</summary>
    public static Tolerance Bitwise => new(0, 0, Exact: true);

    /// <summary>tests/Kernels/AttentionTests.cs: 1e-4 absolute, or relative above 1, per side.</summary>
    public static Tolerance Attention => new(2e-4, 0, 2e-4);
}

/// <summary>
/// Runs one kernel call on Host and on the checked backend from the same host arrays and compares every float
/// buffer afterwards (outputs and the inputs an op must leave alone alike). Gradient buffers start from random
/// values, so that the "adds into" contract of the backward ops is checked too. Failures are collected, not
/// thrown: a GPU run reports every disagreeing kernel in one table.
/// </summary>
public sealed class KernelAgreement(IKernels host, IKernels checkedBackend)
{
    readonly List<AgreementFailure> failures = [];
    int cases;

    /// <summary>The backend under check.</summary>
    public IKernels Checked => checkedBackend;

    /// <summary>The disagreements so far.</summary>
    public IReadOnlyList<AgreementFailure> Failures => failures;

    /// <summary>Number of (op, shape) cases run so far.</summary>
    public int Cases => cases;

    /// <summary>The ops checked so far (for the summary line).</summary>
    public SortedSet<string> Ops { get; } = [];

    /// <summary>A kernel call over uploaded buffers: floats, ints and doubles in the order they were given.</summary>
    public delegate void Call(IKernels k, DeviceBuffer<float>[] f, DeviceBuffer<int>[] i, DeviceBuffer<double>[] d);

    /// <summary>
    /// Runs <paramref name="call"/> on both backends and compares each float buffer with <paramref name="tolerance"/>
    /// (one tolerance for all, or one per buffer via <paramref name="perBuffer"/>).
    /// </summary>
    public void Agree(string op, string shape, float[][] floats, int[][] ints, Call call, Tolerance tolerance,
                      double[][]? doubles = null, Tolerance?[]? perBuffer = null)
    {
        cases++;
        Ops.Add(op);
        doubles ??= [];
        float[][] expected;
        try
        {
            expected = Run(host, floats, ints, doubles, call);
        }
        catch (Exception e)
        {
            failures.Add(new(op, shape, "exception on host (the case itself is wrong)", $"{e.GetType().Name}: {e.Message}", double.PositiveInfinity));
            return;
        }
        float[][] actual;
        try
        {
            actual = Run(checkedBackend, floats, ints, doubles, call);
        }
        catch (Exception e)
        {
            failures.Add(new(op, shape, "exception", $"{e.GetType().Name}: {e.Message}", double.PositiveInfinity));
            return;
        }
        for (int b = 0; b < expected.Length; b++)
            if (Compare(expected[b], actual[b], perBuffer?[b] ?? tolerance) is { } worst)
                failures.Add(worst with { Op = op, Shape = shape, Buffer = $"float buffer {b}" });
    }

    static AgreementFailure? Compare(float[] expected, float[] actual, Tolerance t)
    {
        double max = 0;
        foreach (var v in expected) if (float.IsFinite(v)) max = Math.Max(max, Math.Abs(v));
        int worst = -1;
        double worstRatio = 1, worstAllowed = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            double ratio, allowed;
            if (t.Exact)
            {
                allowed = 0;
                ratio = e.Equals(a) ? 0 : double.PositiveInfinity;
            }
            else if (float.IsNaN(e) || float.IsNaN(a) || float.IsInfinity(e) || float.IsInfinity(a))
            {
                allowed = 0;
                ratio = e.Equals(a) ? 0 : double.PositiveInfinity;
            }
            else
            {
                allowed = t.Allowed is { } per ? per[i] : t.Rel * Math.Abs(e) + t.AbsOfMax * max + t.Abs;
                allowed = Math.Max(allowed, 1e-30);
                ratio = Math.Abs((double)a - e) / allowed;
            }
            if (ratio > worstRatio)
            {
                worst = i;
                worstRatio = ratio;
                worstAllowed = allowed;
            }
        }
        return worst < 0
            ? null
            : new AgreementFailure("", "", "", $"element {worst} of {expected.Length}: {actual[worst]:R} vs host {expected[worst]:R} (allowed {worstAllowed:G3})", worstRatio);
    }

    static float[][] Run(IKernels k, float[][] floats, int[][] ints, double[][] doubles, Call call)
    {
        var fb = floats.Select(v => { var b = k.Allocate(v.Length); b.CopyFrom(v); return b; }).ToArray();
        var ib = ints.Select(v => { var b = k.AllocateInt(v.Length); b.CopyFrom(v); return b; }).ToArray();
        var db = doubles.Select(v => { var b = k.AllocateDouble(v.Length); b.CopyFrom(v); return b; }).ToArray();
        try
        {
            call(k, fb, ib, db);
            k.Synchronize();
            return fb.Select(b => b.ToArray()).ToArray();
        }
        finally
        {
            foreach (var b in fb) b.Dispose();
            foreach (var b in ib) b.Dispose();
            foreach (var b in db) b.Dispose();
        }
    }
}
