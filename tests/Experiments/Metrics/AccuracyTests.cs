using NativeDsp.Experiments.Metrics;

namespace NativeDsp.Tests.Experiments.Metrics;

public class AccuracyTests
{
    [Fact]
    public void CountsMatchesOverAllAndPerClass()
    {
        int[] labels = [0, 1, 2, 2, 1, 0];
        int[] predictions = [0, 2, 2, 2, 1, 1];
        Assert.Equal(4.0 / 6, Accuracy.Compute(predictions, labels), 1e-12);
        Assert.Equal([0.5, 0.5, 1.0], Accuracy.PerClass(predictions, labels, 3));
        Assert.True(double.IsNaN(Accuracy.PerClass([0], [0], 2)[1]));
    }

    [Fact]
    public void BadInputIsRejectedWithTheSizes()
    {
        Assert.Contains("2 predictions but 3 labels", Assert.Throws<ArgumentException>(() => Accuracy.Compute([0, 1], [0, 1, 2])).Message);
        Assert.Throws<ArgumentException>(() => Accuracy.Compute([], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Accuracy.PerClass([0], [5], 3));
    }
}
