using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// AdamUpdate against <see cref="AdamReference"/> over several steps (bias correction changes with t), for Adam
/// with L2 weight decay and AdamW. Each step is a handful of float operations per element: m and v carry ~4 eps
/// relative error per step and the update lr * mhat / (sqrt(vhat) + eps) about the same, so after s steps the
/// parameters differ by ~8 s eps (|p| + lr * s); we allow 16 s eps that way. A wrong bias correction or decay
/// placement changes p by ~lr * wd |p| or more, 1e-4 here, far above it.
/// </summary>
public class AdamTests
{
    public static TheoryData<string, int, bool> Cases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var backend in TestBackends.All)
            foreach (int n in new[] { 1, 3, 17, 33, 127, 20_000 })
                foreach (bool decoupled in new[] { false, true })
                    if (Fits(backend, n)) data.Add(backend, n, decoupled);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void StepsMatchReference(string backend, int n, bool decoupled)
    {
        var k = TestBackends.Get(backend);
        const float lr = 1e-2f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, wd = 0.01f;
        const int steps = 5;
        var p = RandomFloats(n, 90);
        using var pb = Upload(k, p);
        using var gb = k.Allocate(n);
        using var mb = k.Allocate(n);
        using var vb = k.Allocate(n);
        double[] rp = ToDouble(p), rm = new double[n], rv = new double[n];
        for (int t = 1; t <= steps; t++)
        {
            var g = RandomFloats(n, 91 + t);
            gb.CopyFrom(g);
            k.AdamUpdate(pb, gb, mb, vb, n, lr, beta1, beta2, eps, wd, decoupled, t);
            (rp, rm, rv) = AdamReference.Step(rp, ToDouble(g), rm, rv, lr, beta1, beta2, eps, wd, decoupled, t);
        }
        double tol = 16 * steps * FloatEps;
        AssertClose(rp, Download(k, pb), tol * (2 + lr * steps), tol, "Adam param");
        AssertClose(rm, Download(k, mb), tol * 2, tol, "Adam m");
        AssertClose(rv, Download(k, vb), tol * 4, tol, "Adam v");
    }

    /// <summary>The first step moves every parameter by ~lr (m/sqrt(v) = sign(g) after bias correction): a check of the correction itself.</summary>
    [Fact]
    public void FirstStepMovesByLearningRate()
    {
        var (p, _, _) = AdamReference.Step(new[] { 1.0, -1.0 }, new[] { 0.3, -5.0 }, new double[2], new double[2], 0.1, 0.9, 0.999, 0, 0, false, 1);
        Assert.Equal(0.9, p[0], 1e-12);
        Assert.Equal(-0.9, p[1], 1e-12);
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void StepZeroIsRejected(string backend)
    {
        var k = TestBackends.Get(backend);
        using var b = k.Allocate(4);
        var e = Assert.ThrowsAny<ArgumentException>(() => k.AdamUpdate(b, b, b, b, 4, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 0));
        Assert.Contains("Adam", e.Message);
    }
}
