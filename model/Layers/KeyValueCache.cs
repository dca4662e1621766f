using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>
/// The projected keys and values [B, H, T, D] of one attention module during incremental decoding.
/// A self-attention cache grows by the new step's keys each call (so a step costs one query against the
/// cache, not a re-run of the prefix); a static cache (cross attention) is filled once from the encoder
/// output and reused. The tensors are taken out of the tape's ownership (<see cref="Tensor.Keep"/>) so
/// that each decoding step can run in its own tape scope; the cache frees them.
/// </summary>
public sealed class KeyValueCache(bool isStatic) : IDisposable
{
    /// <summary>True for cross attention (filled once from the encoder output), false for self attention (grows each step).</summary>
    public bool IsStatic { get; } = isStatic;
    /// <summary>The cached keys [B, H, T, D], or null before the first step.</summary>
    public Tensor? Keys { get; private set; }
    /// <summary>The cached values [B, H, T, D], or null before the first step.</summary>
    public Tensor? Values { get; private set; }

    /// <summary>Cached positions (0 before the first step).</summary>
    public int Length => Keys?.Shape[2] ?? 0;

    /// <summary>True once the cache holds keys and values.</summary>
    public bool IsFilled => Keys is not null;

    internal void Set(Tensor keys, Tensor values)
    {
        if (!ReferenceEquals(keys, Keys)) Keys?.Dispose();
        if (!ReferenceEquals(values, Values)) Values?.Dispose();
        Keys = keys.Keep();
        Values = values.Keep();
    }

    /// <summary>Reorders the batch rows (beam search: row i continues from row <paramref name="rows"/>[i]).</summary>
    public void Reorder(ReadOnlySpan<int> rows)
    {
        if (Keys is null || Values is null) return;
        using (NoGrad.Scope()) Set(Ops.SelectRows(Keys, rows), Ops.SelectRows(Values, rows));
    }

    /// <summary>Frees the cached tensors; the cache is then empty.</summary>
    public void Dispose()
    {
        Keys?.Dispose();
        Values?.Dispose();
        Keys = Values = null;
    }
}
