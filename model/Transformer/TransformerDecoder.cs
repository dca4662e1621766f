using NativeDsp.Engine;
using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Transformer;

/// <summary>A stack of <see cref="DecoderLayer"/>s ("layers.N"), with a final "layer_norm" when pre-LN.</summary>
public sealed class TransformerDecoder : Module
{
    /// <summary><paramref name="layers"/> zero-filled decoder layers of shape <paramref name="o"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layers"/> is below 1, or a rate or eps is out of range.</exception>
    /// <exception cref="ArgumentException">The head count does not divide the dim, or the activation is not ReLU/GELU.</exception>
    public TransformerDecoder(Device device, LayerOptions o, int layers, Rng dropoutRng)
    {
        if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layers), layers, "transformer decoder: needs at least one layer");
        Layers = RegisterModule("layers", new ModuleList<DecoderLayer>(Enumerable.Range(0, layers).Select(_ => new DecoderLayer(device, o, dropoutRng))));
        if (o.PreNorm) FinalNorm = RegisterModule("layer_norm", new LayerNorm(device, o.Dim, o.LayerNormEps));
    }

    /// <summary>The layers ("layers.N").</summary>
    public ModuleList<DecoderLayer> Layers { get; }
    /// <summary>The final LayerNorm of a pre-LN stack, else null.</summary>
    public LayerNorm? FinalNorm { get; }

    /// <summary>
    /// x [B, T, d] (embedded target positions), memory [B, S, d], memoryMask [B, S]. With
    /// <paramref name="caches"/> (one per layer), x holds only the new positions.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor? memory, Tensor? memoryMask, Tensor? gate, IReadOnlyList<DecoderLayerCache>? caches = null)
    {
        if (caches is not null && caches.Count != Layers.Count)
            throw new ArgumentException($"transformer decoder: {caches.Count} layer caches for {Layers.Count} layers");
        for (int i = 0; i < Layers.Count; i++) x = Layers[i].Forward(x, memory, memoryMask, gate, caches?[i]);
        return FinalNorm is null ? x : FinalNorm.Forward(x);
    }
}
