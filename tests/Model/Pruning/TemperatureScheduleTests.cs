using NativeDsp.Model.Pruning;

namespace NativeDsp.Tests.Model.Pruning;

/// <summary>DSP's geometric annealing at its landmarks, for both reference settings.</summary>
public class TemperatureScheduleTests
{
    public static TheoryData<double, double, long> Settings => new()
    {
        { 1000, 1e-8, 25000 }, // BERT / MNLI
        { 0.1, 1e-8, 15000 },  // IWSLT
        { 1, 1e-3, 7 },        // an odd T_cool
    };

    /// <summary>Relative 1e-12: exp/log in double carry ~1e-15 relative error; the values span 1e-8..1e3.</summary>
    [Theory, MemberData(nameof(Settings))]
    public void ValuesAtStartMiddleEndAndBeyond(double tau0, double tauEnd, long cool)
    {
        var s = new TemperatureSchedule(tau0, tauEnd, cool);
        static void Near(double expected, double actual) => Assert.True(Math.Abs(actual - expected) <= 1e-12 * expected, $"expected {expected:R}, got {actual:R}");
        Near(tau0, s.Tau(0));
        // Half way in log space: the geometric mean (exactly so only for even T_cool; use t/T_cool directly).
        Near(Math.Exp(Math.Log(tau0) - (cool / 2) / (double)cool * (Math.Log(tau0) - Math.Log(tauEnd))), s.Tau(cool / 2));
        if (cool % 2 == 0) Near(Math.Sqrt(tau0 * tauEnd), s.Tau(cool / 2));
        Near(tauEnd, s.Tau(cool));
        Near(tauEnd, s.Tau(cool + 1));
        Near(tauEnd, s.Tau(10 * cool));
        for (long t = 1; t <= cool; t += Math.Max(1, cool / 10)) Assert.True(s.Tau(t) < s.Tau(t - 1), "the temperature must fall until T_cool");
    }

    [Fact]
    public void ReferenceDefaults()
    {
        Assert.Equal(new TemperatureSchedule(1000, 1e-8, 25000), TemperatureSchedule.BertMnli);
        Assert.Equal(new TemperatureSchedule(0.1, 1e-8, 15000), TemperatureSchedule.Iwslt);
        Assert.Equal(0.5f, new DspOptions().LearningRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TemperatureSchedule(0, 1, 10).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => TemperatureSchedule.Iwslt.Tau(-1));
    }
}
