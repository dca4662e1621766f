using NativeDsp.Kernels;
using NativeDsp.Tests.References;

namespace NativeDsp.Tests.Kernels;

/// <summary>The reference's backward against central finite differences of its forward (all double).</summary>
public class AttentionReferenceTests
{
    [Theory]
    [InlineData(2, 2, 4, 4, 3, false, false, true)]
    [InlineData(2, 2, 3, 5, 3, true, true, true)]  // causal with a cache offset, padding, gate
    [InlineData(1, 3, 5, 3, 2, true, false, true)] // causal with Tq > Tk: empty rows
    [InlineData(2, 1, 4, 6, 5, false, true, false)]
    public void BackwardMatchesFiniteDifferences(int B, int H, int Tq, int Tk, int D, bool causal, bool mask, bool gate)
    {
        var c = new AttentionTestData.Case(B, H, Tq, Tk, D, causal, mask, gate);
        var s = c.Shape;
        var x = AttentionTestData.MakeInputs(c, 100 + B * 7 + Tk);
        // L = sum(O * dO): its gradient is exactly what Backward computes for upstream dO.
        double Loss() => AttentionReference.Forward(x.Q, x.K, x.V, x.Mask, x.Gate, s).O.Zip(x.DO, (o, w) => o * w).Sum();
        var (dq, dk, dv, dg) = AttentionReference.Backward(x.Q, x.K, x.V, x.Mask, x.Gate, x.DO, s);
        Check(x.Q, dq, "dQ");
        Check(x.K, dk, "dK");
        Check(x.V, dv, "dV");
        if (x.Gate is not null) Check(x.Gate, dg, "dGate");

        void Check(double[] param, double[] grad, string what)
        {
            // Central differences with h = 1e-5 have truncation error ~h^2 * L''' ~ 1e-10 and rounding
            // ~1e-16 / h ~ 1e-11 on an O(1) loss; 1e-7 is far below any real gradient error.
            const double h = 1e-5;
            for (int i = 0; i < param.Length; i++)
            {
                double keep = param[i];
                param[i] = keep + h; double up = Loss();
                param[i] = keep - h; double down = Loss();
                param[i] = keep;
                double fd = (up - down) / (2 * h);
                Assert.True(Math.Abs(fd - grad[i]) <= 1e-7 * Math.Max(1, Math.Abs(fd)), $"{what}[{i}]: analytic {grad[i]}, finite difference {fd}");
            }
        }
    }

    [Fact]
    public void GateGradientIsExactAtZeroGate()
    {
        var c = new AttentionTestData.Case(2, 2, 4, 5, 3, false, true, true);
        var s = c.Shape;
        var x = AttentionTestData.MakeInputs(c, 7) with { Gate = [0, 0.8] };
        const double h = 1e-5;
        double Loss(double g0) =>
            AttentionReference.Forward(x.Q, x.K, x.V, x.Mask, [g0, 0.8], s).O.Zip(x.DO, (o, w) => o * w).Sum();
        double fd = (Loss(h) - Loss(-h)) / (2 * h);
        var (_, _, _, dg) = AttentionReference.Backward(x.Q, x.K, x.V, x.Mask, x.Gate, x.DO, s);
        Assert.True(Math.Abs(fd) > 1e-2);
        Assert.Equal(fd, dg[0], 1e-8);
    }
}
