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
        // With its neurons (heads) selected too, a block costs only its output bias: they are costed as units of their own.
        Assert.Equal(16, index.GroupsOf(UnitKind.FfnBlock).First().ParametersPerUnit);
        Assert.Equal(16, index.GroupsOf(UnitKind.AttentionBlock).First().ParametersPerUnit);
        // Alone, a block costs its whole module.
        var blocks = UnitIndex.Build(model, UnitKinds.Blocks);
        Assert.Equal(model.Encoder.Layers[0].FeedForward.ParameterCount, blocks.GroupsOf(UnitKind.FfnBlock).First().ParametersPerUnit);
        Assert.Equal(model.Encoder.Layers[0].SelfAttention.ParameterCount, blocks.GroupsOf(UnitKind.AttentionBlock).First().ParametersPerUnit);
        // Every parameter of the selected modules counted once.
        long modules = LayersOf(model).Sum(l => l.FeedForward.ParameterCount + l.SelfAttention.ParameterCount);
        Assert.Equal(modules, index.PrunableParameters);
        Assert.Equal(modules, blocks.PrunableParameters);
    }

    public static TheoryData<string> Selections => new() { "heads+neurons", "neurons", "blocks", "heads+attention-blocks", "neurons+ffn-blocks", "all" };

    static UnitKinds KindsOf(string selection) => selection switch
    {
        "heads+neurons" => UnitKinds.Heads | UnitKinds.Neurons,
        "neurons" => UnitKinds.Neurons,
        "blocks" => UnitKinds.Blocks,
        "heads+attention-blocks" => UnitKinds.Heads | UnitKinds.AttentionBlocks,
        "neurons+ffn-blocks" => UnitKinds.Neurons | UnitKinds.FfnBlocks,
        _ => UnitKinds.Heads | UnitKinds.Neurons | UnitKinds.Blocks,
    };

    [Theory, MemberData(nameof(Selections))]
    public void PrunedClassifierEqualsMaskedClassifier(string selection)
    {
        var kinds = KindsOf(selection);
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
            long prunable = index.PrunableParameters, kept = index.KeptParameters(keep);
            model.PruneUnits(index, UnitSelection.Ids(keep));
            Assert.True(model.ParameterCount < before);
            // What the index says a mask keeps is what physical pruning leaves (a removed block takes its kept heads / neurons along).
            Assert.Equal(before - (prunable - kept), model.ParameterCount);
            AssertClose(masked, Logits(model, ids, null), Tolerance, $"{selection} seed {seed}");
            Assert.Throws<ArgumentException>(() => model.PruneUnits(index, [])); // a stale index is refused

            var rebuilt = UnitIndex.Build(model, kinds);
            // The heads / neurons left are the kept ones of kept blocks (Survivors), counted directly from the mask here.
            var survivors = index.Survivors(keep);
            foreach (var kind in new[] { UnitKind.Head, UnitKind.Neuron }.Where(k => kinds.Has(k)))
            {
                var (offset, count) = index.Range(kind);
                var block = kind == UnitKind.Head ? UnitKind.AttentionBlock : UnitKind.FfnBlock;
                int perModule = count / 3, expected = 0;
                for (int u = 0; u < count; u++)
                    if (keep[offset + u] && (!kinds.Has(block) || keep[index.Range(block).Offset + u / perModule])) expected++;
                Assert.Equal(expected, rebuilt.Range(kind).Count);
                Assert.Equal(expected, survivors.Skip(offset).Take(count).Count(k => k));
            }
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

    [Theory]
    [InlineData("heads+attention-blocks")]
    [InlineData("neurons+ffn-blocks")]
    [InlineData("all")]
    [InlineData("blocks")]
    [InlineData("heads+neurons")]
    public void AParameterBudgetKeepsWhatThePrunedModelHolds(string selection)
    {
        var kinds = KindsOf(selection);
        using var device = HostDevice();
        foreach (double fraction in new[] { 0.3, 0.5, 0.75, 0.9 })
            for (ulong seed = 1; seed <= 2; seed++) // post-LN and pre-LN
            {
                using var model = new NliClassifier(device, Tiny(seed));
                var index = UnitIndex.Build(model, kinds);
                // Every parameter of the selected units once: a block selected with its heads / neurons adds only its output bias
                // (and pre-LN its input norm); heads (neurons) without their block hold all of the module but that bias.
                long Part(bool units, bool block, long branch, long own) => block ? branch : units ? branch - own : 0;
                long modules = LayersOf(model).Sum(l =>
                    Part(kinds.Has(UnitKind.Head), kinds.Has(UnitKind.AttentionBlock), l.SelfAttention.BranchParameters, l.SelfAttention.OwnParameters) +
                    Part(kinds.Has(UnitKind.Neuron), kinds.Has(UnitKind.FfnBlock), l.FeedForward.BranchParameters, l.FeedForward.OwnParameters));
                // A pre-LN branch's input norm is its own (it goes with the branch); post-LN none is.
                Assert.Equal(seed % 2 == 0 ? 16 + 2 * 16 : 16, LayersOf(model).First().SelfAttention.OwnParameters);
                Assert.Equal(modules, index.PrunableParameters);
                double asked = fraction * index.PrunableParameters;
                UnitBudget budget;
                try
                {
                    budget = UnitBudget.FromCost(index, asked, UnitCost.Parameters);
                }
                catch (ArgumentOutOfRangeException)
                {
                    Assert.Equal("blocks", selection); // 3 blocks per kind: 0.3 of them rounds to none
                    continue;
                }
                Assert.True(budget.KeptCost <= asked, $"{selection} {fraction}: kept {budget.KeptCost} > asked {asked}");
                var keep = UnitSelection.TopK(RandomFloats(index.Count, (int)seed + 40), budget, index);
                long before = model.ParameterCount;
                // The budget's planned cost is what survives, and what the pruned model holds.
                Assert.Equal(budget.KeptCost!.Value, (double)index.KeptParameters(keep));
                model.PruneUnits(index, UnitSelection.Ids(keep));
                Assert.Equal(before - index.PrunableParameters + (long)budget.KeptCost.Value, model.ParameterCount);
                // The heads / neurons the budget counts all survive: none is spent inside a removed block.
                foreach (var kind in new[] { UnitKind.Head, UnitKind.Neuron }.Where(k => index.Kinds.Has(k)))
                    Assert.Equal(budget.Segments.Single(g => g.Offset == index.Range(kind).Offset).K, UnitIndex.Build(model, kind.AsSet()).Range(kind).Count);
            }
    }

    [Fact]
    public void APreLnBranchRemovedTakesItsInputNormAlongAndAPostLnOneKeepsIt()
    {
        using var device = HostDevice();
        for (ulong seed = 1; seed <= 2; seed++) // post-LN and pre-LN
        {
            bool preNorm = seed % 2 == 0;
            using var model = new NliClassifier(device, Tiny(seed));
            model.Eval();
            var index = UnitIndex.Build(model, UnitKinds.Heads | UnitKinds.Neurons | UnitKinds.Blocks);
            var keep = Enumerable.Repeat(true, index.Count).ToArray();
            keep[index.Range(UnitKind.AttentionBlock).Offset + 0] = false; // layer 0's attention
            keep[index.Range(UnitKind.FfnBlock).Offset + 1] = false;       // layer 1's FFN
            var ids = RandomInts(3 * 7, 1, 23, new System.Random(3)); // Logits' batch of 3 x 7
            float[] masked;
            using (var gate = UnitGates.KeepTensor(device, index, keep)) masked = Logits(model, ids, UnitGates.Split(index, gate));
            long before = model.ParameterCount, kept = index.KeptParameters(keep);
            model.PruneUnits(index, UnitSelection.Ids(keep));

            var names = model.StateDict().Keys.ToHashSet();
            // Pre-LN: the norm in front of a removed branch fed only that branch: its 2 d parameters are gone. Post-LN: it still
            // normalises the residual (x -> norm(x)), so it stays.
            Assert.Equal(!preNorm, names.Contains("encoder.layers.0.self_attn_layer_norm.weight"));
            Assert.Equal(!preNorm, names.Contains("encoder.layers.1.final_layer_norm.bias"));
            Assert.Equal(!preNorm, model.Encoder.Layers[0].SelfAttentionNorm is not null);
            Assert.True(names.Contains("encoder.layers.0.final_layer_norm.weight") && names.Contains("encoder.layers.1.self_attn_layer_norm.weight"));
            // The index's count is the physical model's.
            Assert.Equal(before - (index.PrunableParameters - kept), model.ParameterCount);
            Assert.Equal(model.NamedParameters().Sum(p => (long)p.Parameter.Count), model.ParameterCount);
            AssertClose(masked, Logits(model, ids, null), Tolerance, $"seed {seed}");
        }
    }

    [Fact]
    public void BlocksRoundToWholeUnitsAndTheBudgetSaysWhatTheyKeep()
    {
        using var device = HostDevice();
        using var model = new NliClassifier(device, Tiny(1));
        var index = UnitIndex.Build(model, UnitKinds.Blocks);
        long attention = model.Encoder.Layers[0].SelfAttention.ParameterCount, ffn = model.Encoder.Layers[0].FeedForward.ParameterCount;
        Assert.Equal(3 * (attention + ffn), index.PrunableParameters);
        // Half of 3 blocks per kind is 1.5: 2 of each would exceed the budget, so 1 of each (a third) is kept, and said.
        double asked = 0.5 * index.PrunableParameters;
        var half = UnitBudget.FromCost(index, asked, UnitCost.Parameters);
        Assert.Equal(new[] { 1, 1 }, half.Segments.Select(s => s.K));
        Assert.Equal((double)(attention + ffn), half.KeptCost!.Value);
        Assert.Equal(UnitCost.Parameters, half.Cost);
        Assert.Contains($"{asked:0} parameters asked, {attention + ffn} kept by whole units", half.Description);
        // Exactly two of each fits two of each; a hair less falls back to one of each (never above the budget).
        Assert.Equal(new[] { 2, 2 }, UnitBudget.FromCost(index, 2.0 * (attention + ffn), UnitCost.Parameters).Segments.Select(s => s.K));
        Assert.Equal(new[] { 1, 1 }, UnitBudget.FromCost(index, 2.0 * (attention + ffn) - 1, UnitCost.Parameters).Segments.Select(s => s.K));
        // Below the cheapest step (f < 1/6 rounds every kind to 0): refused, not an empty model.
        Assert.Throws<ArgumentOutOfRangeException>(() => UnitBudget.FromCost(index, 0.1 * index.PrunableParameters, UnitCost.Parameters));
        // Counts given directly carry no cost.
        Assert.Null(UnitBudget.PerKind(index, (UnitKind.FfnBlock, 1)).KeptCost);
    }

    static IEnumerable<EncoderLayer> LayersOf(NliClassifier model) => Enumerable.Range(0, model.Encoder.Layers.Count).Select(i => model.Encoder.Layers[i]);

    static float[] Logits(NliClassifier model, int[] ids, UnitGates? gates)
    {
        using var scope = model.Device.Scope();
        return model.Forward(ids, null, 3, ids.Length / 3, gates ?? UnitGates.None).ToArray();
    }
}
