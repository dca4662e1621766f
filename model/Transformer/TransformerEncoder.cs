using NativeDsp.Engine;
using NativeDsp.Model.Layers;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Model.Transformer;

/// <summary>A stack of <see cref="EncoderLayer"/>s ("layers.N"), with a final "layer_norm" when pre-LN.</summary>
public sealed class TransformerEncoder : Module
{
    /// <summary><paramref name="layers"/> zero-filled encoder layers of shape <paramref name="o"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layers"/> is below 1, or a rate or eps is out of range.</exception>
    /// <exception cref="ArgumentException">The head count does not divide the dim, or the activation is not ReLU/GELU.</exception>
    public TransformerEncoder(Device device, LayerOptions o, int layers, Rng dropoutRng)
    {
        if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layers), layers, "transformer encoder: needs at least one layer");
        Layers = RegisterModule("layers", new ModuleList<EncoderLayer>(Enumerable.Range(0, layers).Select(_ => new EncoderLayer(device, o, dropoutRng))));
        if (o.PreNorm) FinalNorm = RegisterModule("layer_norm", new LayerNorm(device, o.Dim, o.LayerNormEps));
    }

    /// <summary>The layers ("layers.N").</summary>
    public ModuleList<EncoderLayer> Layers { get; }
    /// <summary>The final LayerNorm of a pre-LN stack, else null.</summary>
    public LayerNorm? FinalNorm { get; }

    /// <summary>x [B, T, d] (embedded tokens), keyMask [B, T] or null, gate = global head gate or null.</summary>
    public Tensor Forward(Tensor x, Tensor? keyMask, Tensor? gate) => Forward(x, keyMask, UnitGates.FromHeads(gate));

    /// <summary>x [B, T, d], keyMask [B, T] or null, and the model's unit gates (see <see cref="EncoderLayer.Forward(Tensor, Tensor?, UnitGates)"/>).</summary>
    public Tensor Forward(Tensor x, Tensor? keyMask, UnitGates gates)
    {
        foreach (var layer in Layers) x = layer.Forward(x, keyMask, gates);
        return FinalNorm is null ? x : FinalNorm.Forward(x);
    }
}
