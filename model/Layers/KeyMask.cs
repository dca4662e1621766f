using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>Key padding masks for <see cref="Ops.Attention"/>: [B, T] with 1 for real tokens and 0 for padding.</summary>
public static class KeyMask
{
    /// <summary>
    /// The mask of token ids <paramref name="ids"/> [batch, length] (row-major) where <paramref name="padId"/>
    /// marks padding, as a tape-owned tensor; null when nothing is padded (the kernel then skips the mask).
    /// </summary>
    public static Tensor? FromIds(Device device, ReadOnlySpan<int> ids, int batch, int length, int padId)
    {
        if (ids.Length != batch * length) throw new ArgumentException($"key mask: {ids.Length} ids for [{batch}, {length}]");
        if (!ids.Contains(padId)) return null;
        var mask = new float[ids.Length];
        for (int i = 0; i < ids.Length; i++) mask[i] = ids[i] == padId ? 0f : 1f;
        return device.Tape.Own(Tensor.FromArray(device, mask, batch, length));
    }
}
