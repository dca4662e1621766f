namespace NativeDsp.Engine;

/// <summary>A tensor's values on the host with their shape: one entry of a state dict or of optimizer state.</summary>
public sealed record HostTensor(Shape Shape, float[] Data)
{
    /// <summary>A host copy of <paramref name="t"/>'s values and shape (reads the device).</summary>
    public static HostTensor From(Tensor t) => new(t.Shape, t.ToArray());
}
