using NativeDsp.Engine;

namespace NativeDsp.Model.Transformer;

/// <summary>
/// What incremental decoding keeps between steps for a batch of N rows (sentences, or sentences x beams):
/// the encoder output and its padding mask, and every decoder layer's key/value caches. Each step feeds
/// only the newest target token per row; <see cref="Length"/> is the number of target positions done.
/// Kept tensors are freed by <see cref="Dispose"/>.
/// </summary>
public sealed class IncrementalState : IDisposable
{
    internal IncrementalState(Tensor memory, Tensor? memoryMask, int layers)
    {
        Memory = memory.Keep();
        MemoryMask = memoryMask?.Keep();
        Layers = Enumerable.Range(0, layers).Select(_ => new DecoderLayerCache()).ToArray();
    }

    /// <summary>The encoder output [N, S, d].</summary>
    public Tensor Memory { get; private set; }
    /// <summary>The source key mask [N, S] (1 = token), or null without padding.</summary>
    public Tensor? MemoryMask { get; private set; }
    /// <summary>One cache per decoder layer.</summary>
    public IReadOnlyList<DecoderLayerCache> Layers { get; }
    /// <summary>N, the rows being decoded.</summary>
    public int Rows => Memory.Shape[0];
    /// <summary>Target positions decoded so far.</summary>
    public int Length { get; internal set; }

    /// <summary>
    /// Row i continues from row <paramref name="rows"/>[i] (beam search). Reorders the self-attention caches
    /// always, and the encoder side (memory, mask, cross caches) only when <paramref name="encoderSide"/>:
    /// beams of one sentence share their encoder side, so a reorder within sentences can skip it. With
    /// the encoder side, the row count may change (expanding each sentence into its beams).
    /// </summary>
    public void Reorder(ReadOnlySpan<int> rows, bool encoderSide = false)
    {
        if (!encoderSide && rows.Length != Rows) throw new ArgumentException($"incremental state: {rows.Length} row indices for {Rows} rows (only an encoder-side reorder may change the row count)");
        foreach (var layer in Layers)
        {
            layer.Self.Reorder(rows);
            if (encoderSide) layer.Cross.Reorder(rows);
        }
        if (!encoderSide) return;
        using (NoGrad.Scope())
        {
            var m = Ops.SelectRows(Memory, rows).Keep();
            Memory.Dispose();
            Memory = m;
            if (MemoryMask is not null)
            {
                var mm = Ops.SelectRows(MemoryMask, rows).Keep();
                MemoryMask.Dispose();
                MemoryMask = mm;
            }
        }
    }

    /// <summary>Frees the kept encoder output, mask and caches.</summary>
    public void Dispose()
    {
        foreach (var l in Layers) l.Dispose();
        Memory.Dispose();
        MemoryMask?.Dispose();
    }
}
