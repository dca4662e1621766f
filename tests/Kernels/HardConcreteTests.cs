using NativeDsp.Kernels;
using NativeDsp.Kernels.Pruning;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PruningTestData;

namespace NativeDsp.Tests.Kernels;

public class HardConcreteTests
{
    const int Heads = 37; // odd, and more than one group of the CPU accelerator's penalty reduction

    static readonly HardConcreteGate[] Gates = [HardConcreteGate.Default, new(2.0 / 3.0, -0.1, 1.1), new(0.5, -0.5, 1.5)];

    /// <summary>log_a ~ N(0, 1.5^2): with the logistic noise, both clamps (gate 0 and gate 1) and the open middle all occur.</summary>
    static float[] LogAlpha(int seed) => Normal(Heads, 1.5, seed);

    static float[] Noise(IKernels k, ulong seed, ulong offset)
    {
        using var b = k.Allocate(Heads);
        k.HardConcreteNoise(b, Heads, seed, offset);
        return b.ToArray();
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void NoiseIsLogisticOfPhiloxUniform(string backend)
    {
        var k = TestBackends.Get(backend);
        var got = Noise(k, 42, 1000);
        for (int i = 0; i < Heads; i++)
        {
            double expected = HardConcreteReference.LogisticNoise(HardConcreteReference.Uniform(42, 1000 + (ulong)i));
            // float32 output of |l| <= log(1/eps) ~ 14: relative rounding 6e-8.
            Assert.True(Math.Abs(got[i] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"noise[{i}] = {got[i]:R}, expected {expected:R}");
        }
        Assert.NotEqual(got, Noise(k, 42, 1001)); // the offset moves the stream
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void SampleEvalAndPenaltyMatchReference(string backend)
    {
        var k = TestBackends.Get(backend);
        var la = LogAlpha(1);
        var noise = Noise(k, 7, 0);
        using var laB = Upload(k, la);
        using var noiseB = Upload(k, noise);
        using var gate = k.Allocate(Heads);
        using var penalty = k.Allocate(1);
        foreach (var p in Gates)
        {
            foreach (bool withNoise in new[] { true, false })
            {
                k.HardConcreteForward(laB, withNoise ? noiseB : null, gate, Heads, p);
                var got = gate.ToArray();
                for (int i = 0; i < Heads; i++)
                {
                    double expected = HardConcreteReference.Sample(la[i], withNoise ? noise[i] : 0.0, p.Beta, p.Low, p.High);
                    // gates are in [0, 1]: float32 rounding is below 6e-8.
                    Assert.True(Math.Abs(got[i] - expected) <= 1e-6, $"{p} noise={withNoise}: gate[{i}] = {got[i]:R}, expected {expected:R}");
                    Assert.InRange(got[i], 0f, 1f);
                }
                Assert.Contains(0f, got); // the spread of log_a reaches both clamps
                Assert.Contains(1f, got);
            }

            k.HardConcreteEvalGate(laB, gate, Heads, p);
            var eval = gate.ToArray();
            for (int i = 0; i < Heads; i++)
                Assert.True(Math.Abs(eval[i] - HardConcreteReference.Eval(la[i], p.Low, p.High)) <= 1e-6, $"{p}: eval gate[{i}]");

            k.HardConcretePenaltyForward(laB, penalty, Heads, p);
            double expectedPenalty = HardConcreteReference.Penalty(ToDouble(la), p.Beta, p.Low, p.High);
            // A sum of 37 terms in [0, 1], rounded once to float32 at the end.
            Assert.True(Math.Abs(penalty.ToArray()[0] - expectedPenalty) <= 1e-6 * expectedPenalty, $"{p}: penalty {penalty.ToArray()[0]:R}, expected {expectedPenalty:R}");
        }
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void GradientsMatchReferenceAndAccumulate(string backend)
    {
        var k = TestBackends.Get(backend);
        var la = LogAlpha(2);
        var noise = Noise(k, 9, 0);
        var dgate = Normal(Heads, 1.0, seed: 3);
        var start = Normal(Heads, 1.0, seed: 4);
        using var laB = Upload(k, la);
        using var noiseB = Upload(k, noise);
        using var dgateB = Upload(k, dgate);
        using var dpenalty = Upload(k, [0.75f]);
        foreach (var p in Gates)
        {
            using var dla = Upload(k, start);
            k.HardConcreteBackward(laB, noiseB, dgateB, dla, Heads, p);
            var got = dla.ToArray();
            int zeros = 0;
            for (int i = 0; i < Heads; i++)
            {
                double g = HardConcreteReference.SampleGradient(la[i], noise[i], p.Beta, p.Low, p.High);
                if (g == 0) zeros++;
                double expected = start[i] + dgate[i] * g;
                // float32 result of a sum of magnitude <= ~|start| + |dgate| (high - low) / (4 beta).
                Assert.True(Math.Abs(got[i] - expected) <= 1e-6 * (1 + Math.Abs(expected)), $"{p}: dlogAlpha[{i}] = {got[i]:R}, expected {expected:R}");
            }
            Assert.True(zeros >= 1 && zeros <= Heads - 3, $"{p}: {zeros} of {Heads} heads clamped; the test needs both kinds");

            using var dlaPenalty = Upload(k, start);
            k.HardConcretePenaltyBackward(laB, dpenalty, dlaPenalty, Heads, p);
            var gotPenalty = dlaPenalty.ToArray();
            for (int i = 0; i < Heads; i++)
            {
                double expected = start[i] + 0.75 * HardConcreteReference.PenaltyGradient(la[i], p.Beta, p.Low, p.High);
                Assert.True(Math.Abs(gotPenalty[i] - expected) <= 1e-6 * (1 + Math.Abs(expected)), $"{p}: penalty dlogAlpha[{i}]");
            }
        }
    }

    /// <summary>The reference gradients against central differences (double), away from the clamps' kinks.</summary>
    [Fact]
    public void ReferenceGradientsMatchFiniteDifferences()
    {
        var la = ToDouble(LogAlpha(5));
        var noise = Enumerable.Range(0, Heads).Select(i => HardConcreteReference.LogisticNoise(HardConcreteReference.Uniform(5, (ulong)i))).ToArray();
        const double step = 1e-6; // functions vary on the scale beta >= 0.33: truncation ~1e-12, rounding ~1e-10
        foreach (var p in Gates)
        {
            int checkedOpen = 0;
            for (int i = 0; i < Heads; i++)
            {
                double Sample(double a) => HardConcreteReference.Sample(a, noise[i], p.Beta, p.Low, p.High);
                double stretchedAt(double a) => 1.0 / (1.0 + Math.Exp(-(noise[i] + a) / p.Beta)) * (p.High - p.Low) + p.Low;
                double s = stretchedAt(la[i]);
                if (Math.Abs(s) < 1e-3 || Math.Abs(s - 1) < 1e-3) continue; // a kink within reach of the step
                double fd = (Sample(la[i] + step) - Sample(la[i] - step)) / (2 * step);
                Assert.True(Math.Abs(fd - HardConcreteReference.SampleGradient(la[i], noise[i], p.Beta, p.Low, p.High)) <= 1e-7, $"{p}: sample gradient at head {i}");
                if (s > 0 && s < 1) checkedOpen++;

                double Penalty(double a) => HardConcreteReference.Penalty([a], p.Beta, p.Low, p.High);
                double fdPenalty = (Penalty(la[i] + step) - Penalty(la[i] - step)) / (2 * step);
                Assert.True(Math.Abs(fdPenalty - HardConcreteReference.PenaltyGradient(la[i], p.Beta, p.Low, p.High)) <= 1e-7, $"{p}: penalty gradient at head {i}");
            }
            Assert.True(checkedOpen >= 3, $"{p}: only {checkedOpen} heads inside the stretch were checked");
        }
    }

    /// <summary>Extreme log_a and noise: gates stay finite in [0, 1], gradients finite (and 0 where saturated).</summary>
    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void ExtremeInputsStayFinite(string backend)
    {
        var k = TestBackends.Get(backend);
        float[] la = [-1e30f, -1e4f, -50f, 0f, 50f, 1e4f, 1e30f];
        using var laB = Upload(k, la);
        using var gate = k.Allocate(la.Length);
        using var dla = k.Allocate(la.Length);
        using var ones = Upload(k, Enumerable.Repeat(1f, la.Length).ToArray());
        using var penalty = k.Allocate(1);
        var p = HardConcreteGate.Default;
        k.HardConcreteForward(laB, null, gate, la.Length, p);
        Assert.Equal([0f, 0f, 0f, gate.ToArray()[3], 1f, 1f, 1f], gate.ToArray());
        k.HardConcreteBackward(laB, null, ones, dla, la.Length, p);
        k.HardConcretePenaltyBackward(laB, ones, dla, la.Length, p);
        Assert.True(AllFinite(dla.ToArray()));
        k.HardConcretePenaltyForward(laB, penalty, la.Length, p);
        Assert.True(float.IsFinite(penalty.ToArray()[0]));
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void RejectsBadParameters(string backend)
    {
        var k = TestBackends.Get(backend);
        using var la = k.Allocate(3);
        using var gate = k.Allocate(3);
        foreach (var p in new HardConcreteGate[] { new(0, -0.1, 1.1), new(-1, -0.1, 1.1), new(0.33, 0.0, 1.1), new(0.33, -0.1, 1.0), new(double.NaN, -0.1, 1.1) })
            Assert.Contains(nameof(IKernels.HardConcreteForward), Assert.ThrowsAny<ArgumentException>(() => k.HardConcreteForward(la, null, gate, 3, p)).Message);
        using var shortGate = k.Allocate(2);
        Assert.Contains("gate", Assert.ThrowsAny<ArgumentException>(() => k.HardConcreteForward(la, null, shortGate, 3, HardConcreteGate.Default)).Message);
    }
}
