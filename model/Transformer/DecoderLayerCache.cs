using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Transformer;

/// <summary>The key/value caches of one decoder layer: its growing self-attention cache and its static cross-attention cache.</summary>
public sealed class DecoderLayerCache : IDisposable
{
    public KeyValueCache Self { get; } = new(isStatic: false);
    public KeyValueCache Cross { get; } = new(isStatic: true);

    public void Dispose()
    {
        Self.Dispose();
        Cross.Dispose();
    }
}
