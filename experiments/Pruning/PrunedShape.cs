using System.Globalization;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Experiments.Pruning;

/// <summary>
/// The shape of a (pruned) unit-prunable model, layer by layer, as results.csv's pruned_shape column spells it:
/// "heads/neurons" per layer joined by ';', with "-" for a removed residual branch, e.g. "12/1536;8/700;-/1536".
/// Inference time depends on the shape, not on the weights' values, so a shape is all <c>nativedsp time</c> needs
/// to re-time a pruned model on a quiet machine: <see cref="Apply"/> prunes a fresh model to it.
/// </summary>
public static class PrunedShape
{
    /// <summary>The shape of <paramref name="model"/> now.</summary>
    public static string Describe(IUnitPrunable model)
    {
        var attention = model.AttentionModules().ToDictionary(m => m.Layer, m => m.Module);
        return string.Join(";", model.FeedForwardModules().Select(f =>
        {
            string heads = attention.TryGetValue(f.Layer, out var mha) ? (mha.BranchRemoved ? "-" : mha.Heads.ToString(CultureInfo.InvariantCulture)) : "0";
            string neurons = f.Module.BranchRemoved ? "-" : f.Module.Neurons.ToString(CultureInfo.InvariantCulture);
            return $"{heads}/{neurons}";
        }));
    }

    /// <summary>
    /// Prunes <paramref name="model"/> (unpruned, or at least as large per layer) to <paramref name="shape"/>: in each
    /// layer the first h heads and the first n neurons are kept and a "-" branch is removed.
    /// </summary>
    /// <exception cref="FormatException">The text is not a shape, or names more layers, heads or neurons than the model has.</exception>
    public static void Apply(IUnitPrunable model, string shape)
    {
        var layers = shape.Split(';');
        var index = UnitIndex.Build(model, UnitKinds.Heads | UnitKinds.Neurons | UnitKinds.Blocks);
        int layerCount = model.FeedForwardModules().Count();
        if (layers.Length != layerCount) throw new FormatException($"pruned shape '{shape}': {layers.Length} layers, the model has {layerCount}");
        var keep = new List<int>();
        for (int l = 0; l < layers.Length; l++)
        {
            var parts = layers[l].Split('/');
            if (parts.Length != 2) throw new FormatException($"pruned shape '{shape}': layer {l} is '{layers[l]}', expected heads/neurons");
            KeepFirst(index, UnitKind.Head, UnitKind.AttentionBlock, l, parts[0], shape, keep);
            KeepFirst(index, UnitKind.Neuron, UnitKind.FfnBlock, l, parts[1], shape, keep);
        }
        model.PruneUnits(index, keep);
    }

    static void KeepFirst(UnitIndex index, UnitKind kind, UnitKind block, int layer, string text, string shape, List<int> keep)
    {
        var units = index.GroupsOf(kind).SingleOrDefault(g => g.Layer == layer);
        var blockGroup = index.GroupsOf(block).SingleOrDefault(g => g.Layer == layer);
        if (text == "-") return; // the block's unit is not kept: the branch goes, with all its units
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n > (units?.Count ?? 0))
            throw new FormatException($"pruned shape '{shape}': layer {layer} keeps '{text}' {kind.ToString().ToLowerInvariant()}s of {units?.Count ?? 0}");
        if (blockGroup is not null) keep.Add(blockGroup.Offset);
        if (units is not null) keep.AddRange(Enumerable.Range(units.Offset, n));
    }
}
