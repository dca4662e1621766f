using NativeDsp.Model.Training;

namespace NativeDsp.Tests.Model.Training;

/// <summary>The learning-rate schedules at known steps (values worked out by hand from their definitions).</summary>
public class ScheduleTests
{
    [Theory]
    [InlineData(1, 0.1)]
    [InlineData(5, 0.5)]
    [InlineData(10, 1.0)]
    [InlineData(11, 0.99)]
    [InlineData(60, 0.5)]
    [InlineData(109, 0.01)]
    [InlineData(110, 0.0)]
    [InlineData(500, 0.0)]
    public void LinearWarmupDecay(long step, double expected) =>
        Assert.Equal(expected, new LinearWarmupDecaySchedule(warmupSteps: 10, totalSteps: 110).Factor(step), 12);

    [Fact]
    public void LinearWithoutWarmup_StartsAtOne()
    {
        var s = new LinearWarmupDecaySchedule(0, 4);
        Assert.Equal(new[] { 0.75, 0.5, 0.25, 0.0 }, new[] { 1L, 2, 3, 4 }.Select(s.Factor));
    }

    [Theory]
    [InlineData(1, 1.0 / 4000)]
    [InlineData(1000, 0.25)]
    [InlineData(4000, 1.0)]
    [InlineData(16000, 0.5)]
    [InlineData(64000, 0.25)]
    public void InverseSqrt_IsFairseqs(long step, double expected) =>
        Assert.Equal(expected, new InverseSqrtSchedule(4000).Factor(step), 12);

    [Fact]
    public void InverseSqrt_IsContinuousAndPeaksAtTheWarmup()
    {
        var s = new InverseSqrtSchedule(100);
        for (long t = 1; t < 1000; t++)
        {
            if (t < 100) Assert.True(s.Factor(t) < s.Factor(t + 1));
            else Assert.True(s.Factor(t) > s.Factor(t + 1));
        }
    }

    [Fact]
    public void Constant_IsOne() => Assert.Equal(1.0, new ConstantSchedule().Factor(12345));

    [Fact]
    public void BadSettingsAndStepZero_AreErrors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmupDecaySchedule(20, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmupDecaySchedule(-1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InverseSqrtSchedule(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InverseSqrtSchedule(10).Factor(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmupDecaySchedule(1, 10).Factor(0));
    }

    [Fact]
    public void Descriptions_NameTheSettings()
    {
        Assert.Equal("linear(warmup=10, total=110)", new LinearWarmupDecaySchedule(10, 110).Description);
        Assert.Equal("inverse_sqrt(warmup=4000)", new InverseSqrtSchedule(4000).Description);
        Assert.Equal("constant", new ConstantSchedule().Description);
    }
}
