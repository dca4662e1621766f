using NativeDsp.Model.Training;

namespace NativeDsp.Tests.Model.Training;

/// <summary>The seeded order of training examples: permutations per epoch, batches, resume.</summary>
public class DataOrderTests
{
    static List<int[]> Batches(DataOrder order, int count) => Enumerable.Range(0, count).Select(_ => order.NextBatch()).ToList();

    [Fact]
    public void EveryEpoch_VisitsEachExampleOnce_InADifferentSeededOrder()
    {
        var order = new DataOrder(23, 5, seed: 4);
        Assert.Equal(5, order.BatchesPerEpoch);
        var epochs = Enumerable.Range(0, 3).Select(_ => Batches(order, 5)).ToList();
        foreach (var epoch in epochs)
        {
            Assert.Equal(new[] { 5, 5, 5, 5, 3 }, epoch.Select(b => b.Length));
            Assert.Equal(Enumerable.Range(0, 23), epoch.SelectMany(b => b).Order());
        }
        Assert.NotEqual(epochs[0].SelectMany(b => b), epochs[1].SelectMany(b => b));
        Assert.Equal(2, order.Epoch);

        var again = new DataOrder(23, 5, seed: 4);
        Assert.Equal(epochs.SelectMany(e => e).SelectMany(b => b), Batches(again, 15).SelectMany(b => b));
        var otherSeed = new DataOrder(23, 5, seed: 5);
        Assert.NotEqual(epochs[0].SelectMany(b => b), Batches(otherSeed, 5).SelectMany(b => b));
    }

    [Fact]
    public void RestoredState_ContinuesWithTheNextBatch()
    {
        var order = new DataOrder(10, 3, seed: 8);
        Batches(order, 5); // into the second epoch
        var state = order.State;
        var expected = Batches(order, 7);

        var fresh = new DataOrder(10, 3, seed: 123);
        fresh.Restore(state);
        Assert.Equal(expected, Batches(fresh, 7));
        Assert.Throws<ArgumentException>(() => new DataOrder(11, 3, seed: 8).Restore(state));
    }

    [Fact]
    public void DropLast_AndNoShuffle()
    {
        var order = new DataOrder(7, 3, seed: 1, shuffle: false, dropLast: true);
        Assert.Equal(2, order.BatchesPerEpoch);
        Assert.Equal(new[] { new[] { 0, 1, 2 }, [3, 4, 5], [0, 1, 2] }, Batches(order, 3));
    }
}
