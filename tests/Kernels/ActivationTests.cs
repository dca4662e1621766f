using NativeDsp.Kernels;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// ActivationForward / ActivationBackward against <see cref="ActivationReference"/>, and the shared scalar
/// functions of <see cref="KernelMath"/> against the double definitions.
/// Tolerance: the float kernels evaluate exp/erf/tanh with absolute errors up to ~1.2e-7 (KernelMath.Erf's
/// bound; the exp-based tanh 1 - 2/(e^2u + 1) has the same order), multiplied by x or dy (|.| &lt;= 4 here) and
/// a few more roundings: 2e-6 absolute + 4 eps relative. A wrong formula (e.g. GELU's tanh form for the
/// erf form, which differ by up to 5e-4) fails it.
/// </summary>
public class ActivationTests
{
    const double Atol = 2e-6, Rtol = 4 * FloatEps;

    public static TheoryData<string, Activation, int> Cases()
    {
        var data = new TheoryData<string, Activation, int>();
        foreach (var backend in TestBackends.All)
            foreach (var f in Enum.GetValues<Activation>())
                foreach (int n in new[] { 1, 3, 17, 33, 127, 40_000 })
                    if (Fits(backend, n)) data.Add(backend, f, n);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void ForwardMatchesReference(string backend, Activation f, int n)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(n, 30, -6f, 6f);
        using var xb = Upload(k, x);
        using var yb = k.Allocate(n);
        k.ActivationForward(f, xb, yb, n);
        var expected = ActivationReference.Forward(f, ToDouble(x));
        AssertClose(expected, Download(k, yb), Atol, Rtol, $"{f} forward");

        k.ActivationForward(f, xb, xb, n);   // y may alias x
        AssertClose(expected, Download(k, xb), Atol, Rtol, $"{f} forward in place");
    }

    [Theory, MemberData(nameof(Cases))]
    public void BackwardAddsTheReferenceGradient(string backend, Activation f, int n)
    {
        var k = TestBackends.Get(backend);
        var x = RandomFloats(n, 31, -6f, 6f);
        var dy = RandomFloats(n, 32);
        var dx = RandomFloats(n, 33);   // non-zero: the backward must add, not overwrite
        using var xb = Upload(k, x);
        using var dyb = Upload(k, dy);
        using var dxb = Upload(k, dx);
        k.ActivationBackward(f, xb, dyb, dxb, n);
        var expected = ActivationReference.Backward(f, ToDouble(x), ToDouble(dy), ToDouble(dx));
        AssertClose(expected, Download(k, dxb), Atol, Rtol, $"{f} backward");
    }

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.GeluTanh)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    public void ReferenceDerivativeMatchesFiniteDifferences(Activation f)
    {
        // Points away from ReLU's kink at 0 (|x| >= 0.05 > h), where the derivative is not defined.
        var x = ToDouble(RandomFloats(64, 34, -5f, 5f)).Select(v => Math.Abs(v) < 0.05 ? v + 0.1 : v).ToArray();
        var dy = ToDouble(RandomFloats(64, 35));
        var analytic = ActivationReference.Backward(f, x, dy, new double[x.Length]);
        AssertGradient(v => ActivationReference.Forward(f, v), x, dy, analytic, $"{f}");
    }

    /// <summary>KernelMath.Erf claims |error| &lt;= 1.2e-7 on the whole line; checked on a fine grid, tails included.</summary>
    [Fact]
    public void KernelMathErfIsAccurate()
    {
        double worst = 0;
        for (double x = -7; x <= 7; x += 1.0 / 1024)
            worst = Math.Max(worst, Math.Abs(KernelMath.Erf((float)x) - ErfReference.Erf((float)x)));
        Assert.True(worst <= 1.2e-7, $"max |Erf error| = {worst:G3}");
        Assert.Equal(0f, KernelMath.Erf(0f));
        Assert.Equal(1f, KernelMath.Erf(10f));
        Assert.Equal(-1f, KernelMath.Erf(-10f));
    }

    /// <summary>The reference erf itself, against values from tables (Abramowitz and Stegun 7.1, 10+ digits).</summary>
    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(-3.0, -0.9999779095030014)]
    public void ErfReferenceMatchesTables(double x, double erf) => Assert.Equal(erf, ErfReference.Erf(x), 1e-14);

    [Fact]
    public void KernelMathScalarFunctionsMatchReference()
    {
        foreach (var f in Enum.GetValues<Activation>())
            for (double x = -8; x <= 8; x += 1.0 / 64)
            {
                float xf = (float)x;
                Assert.True(Math.Abs(KernelMath.Activate(f, xf) - ActivationReference.Forward(f, xf)) <= Atol + Rtol * Math.Abs(ActivationReference.Forward(f, xf)),
                    $"{f}({xf})");
                Assert.True(Math.Abs(KernelMath.ActivateGrad(f, xf) - ActivationReference.Derivative(f, xf)) <= Atol,
                    $"{f}'({xf})");
            }
    }
}
