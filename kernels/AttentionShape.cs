namespace NativeDsp.Kernels;

/// <summary>
/// The sizes and options of one fused attention call (<see cref="IKernels.AttentionForward"/>):
/// Q is [Batch, Heads, QueryLength, HeadDim], K and V are [Batch, Heads, KeyLength, HeadDim].
/// <para>
/// <see cref="Causal"/>: query i may attend key j iff j &lt;= i + (KeyLength - QueryLength). The offset
/// aligns the last query with the last key, so a decoder step with a key/value cache (one query,
/// many cached keys) sees every cached key, and QueryLength = KeyLength is the usual triangle.
/// </para>
/// </summary>
public readonly record struct AttentionShape(int Batch, int Heads, int QueryLength, int KeyLength, int HeadDim,
                                             float Scale, bool Causal)
{
    /// <summary>The usual shape with scale 1/sqrt(HeadDim).</summary>
    public static AttentionShape Create(int batch, int heads, int queryLength, int keyLength, int headDim, bool causal = false) =>
        new(batch, heads, queryLength, keyLength, headDim, 1f / MathF.Sqrt(headDim), causal);

    /// <summary>KeyLength - QueryLength: the causal offset (query i sees keys j &lt;= i + offset).</summary>
    public int CausalOffset => KeyLength - QueryLength;

    /// <summary>Elements of Q, O and dO: Batch x Heads x QueryLength x HeadDim.</summary>
    public int QueryElements => Batch * Heads * QueryLength * HeadDim;

    /// <summary>Elements of K and V (and dK, dV): Batch x Heads x KeyLength x HeadDim.</summary>
    public int KeyElements => Batch * Heads * KeyLength * HeadDim;

    /// <summary>Query rows, Batch x Heads x QueryLength: the length of lse.</summary>
    public int RowCount => Batch * Heads * QueryLength;

    /// <summary>Number of keys query <paramref name="i"/> may see before the key padding mask (may be &lt;= 0).</summary>
    public int VisibleKeys(int i) => Causal ? Math.Min(KeyLength, i + CausalOffset + 1) : KeyLength;

    /// <summary>The sizes for messages, e.g. "B=2 H=4 Tq=5 Tk=5 D=8 scale=0.35 causal=False".</summary>
    public override string ToString() =>
        $"B={Batch} H={Heads} Tq={QueryLength} Tk={KeyLength} D={HeadDim} scale={Scale} causal={Causal}";

    /// <summary>Throws a clear error naming <paramref name="op"/> when the sizes are impossible.</summary>
    /// <exception cref="ArgumentException">A negative size, HeadDim &lt; 1, a non-finite scale, or a tensor over 2^31 elements.</exception>
    public void CheckSizes(string op)
    {
        if (Batch < 0 || Heads < 0 || QueryLength < 0 || KeyLength < 0 || HeadDim < 1)
            throw new ArgumentException($"{op}: sizes must be >= 0 and HeadDim >= 1, got {this}");
        if (!float.IsFinite(Scale))
            throw new ArgumentException($"{op}: scale must be finite, got {this}");
        if ((long)Batch * Heads * Math.Max(QueryLength, KeyLength) * HeadDim > int.MaxValue)
            throw new ArgumentException($"{op}: tensors over 2^31 elements are not supported, got {this}");
    }

    /// <summary>Throws unless <paramref name="buffer"/> holds at least <paramref name="needed"/> elements.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    /// <exception cref="ArgumentException">The buffer is too short.</exception>
    public void CheckBuffer<T>(string op, string name, DeviceBuffer<T>? buffer, long needed) where T : unmanaged
    {
        if (buffer is null) throw new ArgumentNullException(name, $"{op}: {name} is required ({this})");
        if (buffer.Length < needed)
            throw new ArgumentException($"{op}: {name} has {buffer.Length} elements, needs {needed} for {this}");
    }

    /// <summary>Checks every buffer of a forward call against this shape.</summary>
    public void CheckForward(string op, DeviceBuffer<float> q, DeviceBuffer<float> k, DeviceBuffer<float> v,
                             DeviceBuffer<float>? keyMask, DeviceBuffer<float>? gate,
                             DeviceBuffer<float> o, DeviceBuffer<float> lse)
    {
        CheckSizes(op);
        CheckBuffer(op, "q", q, QueryElements);
        CheckBuffer(op, "k", k, KeyElements);
        CheckBuffer(op, "v", v, KeyElements);
        if (keyMask is not null) CheckBuffer(op, "keyMask", keyMask, (long)Batch * KeyLength);
        if (gate is not null) CheckBuffer(op, "gate", gate, Heads);
        CheckBuffer(op, "o", o, QueryElements);
        CheckBuffer(op, "lse", lse, RowCount);
    }

    /// <summary>Checks every buffer of a backward call against this shape.</summary>
    public void CheckBackward(string op, DeviceBuffer<float> q, DeviceBuffer<float> k, DeviceBuffer<float> v,
                              DeviceBuffer<float>? keyMask, DeviceBuffer<float>? gate,
                              DeviceBuffer<float> o, DeviceBuffer<float> lse, DeviceBuffer<float> dO,
                              DeviceBuffer<float> dQ, DeviceBuffer<float> dK, DeviceBuffer<float> dV,
                              DeviceBuffer<float>? dGate)
    {
        CheckForward(op, q, k, v, keyMask, gate, o, lse);
        CheckBuffer(op, "dO", dO, QueryElements);
        CheckBuffer(op, "dQ", dQ, QueryElements);
        CheckBuffer(op, "dK", dK, KeyElements);
        CheckBuffer(op, "dV", dV, KeyElements);
        if (dGate is not null) CheckBuffer(op, "dGate", dGate, Heads);
    }
}
