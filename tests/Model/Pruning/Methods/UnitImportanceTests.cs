using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Methods;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Transformer;
using static NativeDsp.Tests.Model.ModelTestKit;

namespace NativeDsp.Tests.Model.Pruning.Methods;

/// <summary>Michel et al.'s gate-gradient importance over units: equal to <see cref="MichelPruner"/>'s for heads, normalised per module (blocks per kind).</summary>
public class UnitImportanceTests(PlantedUnitsFixture fixture) : IClassFixture<PlantedUnitsFixture>
{
    [Fact]
    public void HeadImportanceEqualsMichelPrunersAtTheFullMask()
    {
        var task = fixture.Fresh();
        var context = task.Context();
        var index = UnitIndex.Build(task.Model, UnitKinds.Heads);
        using var freeze = task.Model.Freeze(evaluationMode: true);
        using var michel = new MichelPruner(task.Device, task.Model.HeadIndex, HeadBudget.Global(2),
                                            (b, gate) => context.ScoreLoss(b, UnitGates.FromHeads(gate)), context.ScoreBatches, stepHeads: 1);
        var expected = michel.Importance(Enumerable.Repeat(true, 8).ToArray());
        var actual = UnitImportance.Normalise(index, UnitImportance.GateGradient(task.Device, index, context.ScoreLoss, context.ScoreBatches));
        // The same sums in the same order, except that ours are accumulated in float64 before the cast.
        AssertClose(expected, actual, 1e-6, "normalised head importance");
        Assert.All(Enumerable.Range(0, 8).Except(PlantedUnitsTask.VitalHeads), h => Assert.Equal(0f, actual[h]));
    }

    [Fact]
    public void NormalisesPerModuleAndBlocksPerKind()
    {
        using var device = HostDevice();
        using var model = new NliClassifier(device, new NliClassifierConfig { Layers = 3, DModel = 8, Heads = 2, Ffn = 4, Vocab = 10, MaxPositions = 8, Dropout = 0f, Seed = 1 });
        var index = UnitIndex.Build(model, UnitKinds.Heads | UnitKinds.Neurons | UnitKinds.Blocks);
        var raw = Enumerable.Range(0, index.Count).Select(u => (double)(u + 1)).ToArray();
        var (first, _) = index.Range(UnitKind.Neuron);
        for (int u = first; u < first + 4; u++) raw[u] = 0; // an all-zero FFN stays zero
        var n = UnitImportance.Normalise(index, raw);
        double Norm(int offset, int count) => Math.Sqrt(Enumerable.Range(offset, count).Sum(u => (double)n[u] * n[u]));
        foreach (var g in index.Groups.Where(g => g.Kind is UnitKind.Head or UnitKind.Neuron && g.Offset != first))
            Assert.Equal(1.0, Norm(g.Offset, g.Count), 6);
        Assert.All(Enumerable.Range(first, 4), u => Assert.Equal(0f, n[u]));
        foreach (var kind in new[] { UnitKind.AttentionBlock, UnitKind.FfnBlock })
        {
            var (offset, count) = index.Range(kind);
            Assert.Equal(3, count);
            Assert.Equal(1.0, Norm(offset, count), 6);
            Assert.True(n[offset] < n[offset + 1] && n[offset + 1] < n[offset + 2]); // not all 1, as per-block groups would give
        }
        Assert.Throws<ArgumentException>(() => UnitImportance.Normalise(index, new double[3]));
    }
}
