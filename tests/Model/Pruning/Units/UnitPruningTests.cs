using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Transformer;
using static NativeDsp.Tests.Model.ModelTestKit;

namespace NativeDsp.Tests.Model.Pruning.Units;

/// <summary>
/// The unit index over heads, FFN neurons and blocks, its budgets, and physical removal: a pruned classifier
/// must compute what the unpruned one computes under the 0/1 unit gate (issue 20: "masked = removed to 1e-5").
/// </summary>
public class UnitPruningTests
{
    /// <summary>As for heads (HeadPruningTests): the pruned model sums over fewer, exactly-zero terms, so only float32 order differs (~1e-7 per op); a wrong row or a skipped LayerNorm gives O(0.1).</summary>
    const double Tolerance = 1e-5;

    static NliClassifierConfig Tiny(ulong seed) => new()
    {
        Layers = 3, DModel = 16, Heads = 4, Ffn = 24, Vocab = 23, MaxPositions = 16, Dropout = 0f, Seed = seed, PreNorm = seed % 2 == 0,
    };

    [Fact]
    public void IndexLaysKindsOutInOrderWithHeadIdsUnchanged()
    {
        using var device = HostDevice();
        using var model = new NliClassifier(device, Tiny(1));
        var index = UnitIndex.Build(model, UnitKinds.Heads | UnitKinds.Neurons | UnitKinds.Blocks);
        Assert.Equal(12 + 72 + 3 + 3, index.Count);
        Assert.Equal((0, 12), index.Range(UnitKind.Head));
        Assert.Equal((12, 72), index.Range(UnitKind.Neuron));
        Assert.Equal((84, 3), index.Range(UnitKind.AttentionBlock));
        Assert.Equal((87, 3), index.Range(UnitKind.FfnBlock));
        Assert.Equal("encoder.layers.1.ffn neuron 5", index.Describe(12 + 24 + 5));
        Assert.Equal(model.HeadIndex.Describe(7), index.Describe(7));
        Assert.Equal(48, model.Encoder.Layers[2].FeedForward.NeuronOffset);
        Assert.Equal(2, model.Encoder.Layers[2].SelfAttention.BlockOffset);
        // A head holds 4 d D + 3 D parameters; a neuron 2 d + 1.
        Assert.Equal(4 * 16 * 4 + 3 * 4, index.Groups[0].ParametersPerUnit);
        Assert.Equal(2 * 16 + 1, index.GroupsOf(UnitKind.Neuron).First().ParametersPerUnit);
        Assert.Equal(model.Encoder.Layers[0].FeedForward.ParameterCount, index.GroupsOf(UnitKind.FfnBlock).First().ParametersPerUnit);
    }

    public static TheoryData<string> Selections => new() { "heads+neurons", "neurons", "blocks", "all" };

    [Theory, MemberData(nameof(Selections))]
    public void PrunedClassifierEqualsMaskedClassifier(string selection)
    {
        var kinds = selection switch
        {
            "heads+neurons" => UnitKinds.Heads | UnitKinds.Neurons,
            "neurons" => UnitKinds.Neurons,
            "blocks" => UnitKinds.Blocks,
            _ => UnitKinds.Heads | UnitKinds.Neurons | UnitKinds.Blocks,
        };
        using var device = HostDevice();
        for (ulong seed = 1; seed <= 2; seed++) // post-LN and pre-LN
        {
            using var model = new NliClassifier(device, Tiny(seed));
            model.Eval();
            var index = UnitIndex.Build(model, kinds);
            var rng = new System.Random((int)seed + 10);
            var keep = Enumerable.Range(0, index.Count).Select(_ => rng.Next(3) > 0).ToArray();
            if (kinds.Has(UnitKind.Neuron)) // one FFN loses every neuron (then it outputs fc2's bias)
                foreach (var u in Enumerable.Range(index.GroupsOf(UnitKind.Neuron).First().Offset, 24)) keep[u] = false;
            if (kinds.Has(UnitKind.AttentionBlock)) keep[index.Range(UnitKind.AttentionBlock).Offset + 1] = false;
            if (kinds.Has(UnitKind.FfnBlock)) keep[index.Range(UnitKind.FfnBlock).Offset + 2] = false;

            const int b = 3, t = 7;
            var ids = RandomInts(b * t, 1, 23, rng);
            ids[t - 1] = ids[t - 2] = 0; // padding
            float[] full = Logits(model, ids, null);
            using (var gate = UnitGates.KeepTensor(device, index, Enumerable.Repeat(true, index.Count).ToArray()))
                AssertClose(full, Logits(model, ids, UnitGates.Split(index, gate)), 1e-6, "all-ones gate");
            float[] masked;
            using (var gate = UnitGates.KeepTensor(device, index, keep)) masked = Logits(model, ids, UnitGates.Split(index, gate));
            long before = model.ParameterCount;
            model.PruneUnits(index, UnitSelection.Ids(keep));
            Assert.True(model.ParameterCount < before);
            AssertClose(masked, Logits(model, ids, null), Tolerance, $"{selection} seed {seed}");
            Assert.Throws<ArgumentException>(() => model.PruneUnits(index, [])); // a stale index is refused

            var rebuilt = UnitIndex.Build(model, kinds);
            if (kinds.Has(UnitKind.Neuron))
                Assert.Equal(keep.Skip(index.Range(UnitKind.Neuron).Offset).Take(72).Count(k => k)
                             - (kinds.Has(UnitKind.FfnBlock) ? keep.Skip(12 + 48).Take(24).Count(k => k) : 0),
                             rebuilt.Range(UnitKind.Neuron).Count);
        }
    }

    [Fact]
    public void BudgetsGiveExactCountsPerSegment()
    {
        using var device = HostDevice();
        using var model = new NliClassifier(device, Tiny(1));
        var index = UnitIndex.Build(model, UnitKinds.Heads | UnitKinds.Neurons);
        var perKind = UnitBudget.PerKind(index, (UnitKind.Head, 5), (UnitKind.Neuron, 30));
        Assert.Equal(35, perKind.Total);
        var scores = RandomFloats(index.Count, 3);
        var keep = UnitSelection.TopK(scores, perKind, index);
        Assert.Equal(5, keep.Take(12).Count(k => k));
        Assert.Equal(30, keep.Skip(12).Count(k => k));

        // Half the units' parameters: each kind keeps half its units (uniform density), within one unit's cost.
        long all = index.ParameterCosts().Sum();
        var half = UnitBudget.FromCost(index, all / 2.0, UnitCost.Parameters);
        Assert.Equal(new[] { 6, 36 }, half.Segments.Select(s => s.K));
        Assert.Throws<ArgumentOutOfRangeException>(() => UnitBudget.FromCost(index, all * 2.0, UnitCost.Parameters));
        Assert.Throws<ArgumentOutOfRangeException>(() => UnitBudget.PerKind(index, (UnitKind.Head, 13)));
        Assert.Throws<ArgumentException>(() => UnitBudget.PerKind(index, (UnitKind.FfnBlock, 1)));
    }

    static float[] Logits(NliClassifier model, int[] ids, UnitGates? gates)
    {
        using var scope = model.Device.Scope();
        return model.Forward(ids, null, 3, ids.Length / 3, gates ?? UnitGates.None).ToArray();
    }
}
