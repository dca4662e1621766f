using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Transformer;

/// <summary>The key/value caches of one decoder layer: its growing self-attention cache and its static cross-attention cache.</summary>
public sealed class DecoderLayerCache : IDisposable
{
    /// <summary>The self-attention cache (grows by one position per step).</summary>
    public KeyValueCache Self { get; } = new(isStatic: false);
    /// <summary>The cross-attention cache (the encoder output's keys and values, computed once).</summary>
    public KeyValueCache Cross { get; } = new(isStatic: true);

    /// <summary>Frees both caches.</summary>
    public void Dispose()
    {
        Self.Dispose();
        Cross.Dispose();
    }
}
