namespace NativeDsp.Kernels;

/// <summary>
/// Where many tensors live inside flat buffers, for the one-launch optimizer step
/// (<see cref="IKernels.AdamUpdateMultiTensor"/>), after PyTorch's multi_tensor_apply: tensor s occupies
/// [<see cref="Offset"/>(s), Offset(s) + <see cref="TensorLength"/>(s)) of every flat buffer, each offset a multiple of
/// <see cref="ChunkSize"/>, so that every chunk of ChunkSize elements belongs to one tensor. The layout keeps, on the
/// host and in device tables of the backend that made it: the tensor of each chunk (fixed), and per tensor its range,
/// whether it is updated this step, whether its rate ignores the schedule, its base learning rate and weight decay
/// (<see cref="SetTensor"/>). The per-tensor table is uploaded by the op only when it changed since the last upload
/// (a host-to-device copy; a steady training loop makes none).
/// </summary>
public sealed class MultiTensorLayout : IDisposable
{
    /// <summary>Elements per chunk: the alignment of every tensor (padding is at most ChunkSize - 1 floats per tensor).</summary>
    public const int ChunkSize = 1024;

    internal const int FlagActive = 1, FlagConstantRate = 2;

    readonly int[] offsets, lengths, info;
    readonly float[] rates;
    bool dirty = true;

    /// <summary>A layout of tensors of <paramref name="tensorLengths"/> elements, in that order, with device tables from <paramref name="kernels"/>.</summary>
    /// <exception cref="ArgumentException">No tensor, a negative length, or more than 2^31 elements in all.</exception>
    public MultiTensorLayout(IKernels kernels, IReadOnlyList<int> tensorLengths)
    {
        if (tensorLengths.Count == 0) throw new ArgumentException("multi-tensor layout: needs at least one tensor", nameof(tensorLengths));
        Kernels = kernels;
        offsets = new int[tensorLengths.Count];
        lengths = tensorLengths.ToArray();
        long at = 0;
        for (int s = 0; s < lengths.Length; s++)
        {
            if (lengths[s] < 0) throw new ArgumentException($"multi-tensor layout: tensor {s} has length {lengths[s]}", nameof(tensorLengths));
            offsets[s] = (int)at;
            at += (lengths[s] + (long)ChunkSize - 1) / ChunkSize * ChunkSize;
            if (at > int.MaxValue - ChunkSize) throw new ArgumentException($"multi-tensor layout: {at} elements in all, over 2^31", nameof(tensorLengths));
        }
        Length = (int)at;
        var chunkTensor = new int[Length / ChunkSize];
        for (int s = 0; s < lengths.Length; s++)
            for (int c = offsets[s] / ChunkSize; c < (offsets[s] + lengths[s] + ChunkSize - 1) / ChunkSize; c++) chunkTensor[c] = s;
        info = new int[3 * lengths.Length];
        rates = new float[2 * lengths.Length];
        for (int s = 0; s < lengths.Length; s++)
        {
            info[3 * s] = offsets[s];
            info[3 * s + 1] = offsets[s] + lengths[s];
        }
        ChunkTensor = kernels.AllocateInt(chunkTensor.Length);
        ChunkTensor.CopyFrom(chunkTensor);
        Info = kernels.AllocateInt(info.Length);
        Rates = kernels.Allocate(rates.Length);
    }

    /// <summary>The backend whose buffers the tables are.</summary>
    public IKernels Kernels { get; }
    /// <summary>Number of tensors.</summary>
    public int Count => lengths.Length;
    /// <summary>Elements of each flat buffer: every tensor plus its padding up to the next chunk.</summary>
    public int Length { get; }
    /// <summary>Number of chunks, <see cref="Length"/> / <see cref="ChunkSize"/>.</summary>
    public int Chunks => Length / ChunkSize;

    /// <summary>The first element of tensor <paramref name="s"/> in the flat buffers.</summary>
    public int Offset(int s) => offsets[s];
    /// <summary>The number of elements of tensor <paramref name="s"/>.</summary>
    public int TensorLength(int s) => lengths[s];
    /// <summary>Whether tensor <paramref name="s"/> is updated by the next step.</summary>
    public bool IsActive(int s) => (info[3 * s + 2] & FlagActive) != 0;
    /// <summary>Whether tensor <paramref name="s"/>'s rate ignores the schedule factor.</summary>
    public bool IsConstantRate(int s) => (info[3 * s + 2] & FlagConstantRate) != 0;
    /// <summary>The base learning rate of tensor <paramref name="s"/>.</summary>
    public float LearningRate(int s) => rates[2 * s];
    /// <summary>The weight decay of tensor <paramref name="s"/>.</summary>
    public float WeightDecay(int s) => rates[2 * s + 1];

    internal DeviceBuffer<int> ChunkTensor { get; }
    internal DeviceBuffer<int> Info { get; }
    internal DeviceBuffer<float> Rates { get; }

    /// <summary>
    /// Sets how the next steps treat tensor <paramref name="s"/>: skipped unless <paramref name="active"/>; learning rate
    /// <paramref name="learningRate"/>, times the step's schedule factor unless <paramref name="constantRate"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="s"/> is not a tensor of the layout.</exception>
    public void SetTensor(int s, bool active, bool constantRate, float learningRate, float weightDecay)
    {
        if ((uint)s >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(s), s, $"multi-tensor layout: {Count} tensors");
        int flags = (active ? FlagActive : 0) | (constantRate ? FlagConstantRate : 0);
        // Bitwise comparison: a NaN rate set twice is no change, and -0 vs 0 is one.
        if (info[3 * s + 2] == flags && BitConverter.SingleToInt32Bits(rates[2 * s]) == BitConverter.SingleToInt32Bits(learningRate)
            && BitConverter.SingleToInt32Bits(rates[2 * s + 1]) == BitConverter.SingleToInt32Bits(weightDecay)) return;
        info[3 * s + 2] = flags;
        rates[2 * s] = learningRate;
        rates[2 * s + 1] = weightDecay;
        dirty = true;
    }

    /// <summary>Uploads the per-tensor table when it changed since the last upload (called by the op before its launch).</summary>
    internal void UploadIfChanged()
    {
        if (!dirty) return;
        Info.CopyFrom(info);
        Rates.CopyFrom(rates);
        dirty = false;
    }

    /// <summary>Frees the device tables.</summary>
    public void Dispose()
    {
        ChunkTensor.Dispose();
        Info.Dispose();
        Rates.Dispose();
    }
}
