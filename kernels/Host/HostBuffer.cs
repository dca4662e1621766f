namespace NativeDsp.Kernels.Host;

/// <summary>A host array as a device buffer. Host kernels read and write <see cref="Array"/> directly.</summary>
public sealed class HostBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    readonly HostKernels owner;

    internal HostBuffer(HostKernels owner, T[] array, int length) : base(length)
    {
        this.owner = owner;
        Array = array;
    }

    /// <summary>The storage; may be longer than <see cref="DeviceBuffer{T}.Length"/> when it comes from the pool.</summary>
    public T[] Array { get; }

    /// <summary>The first <see cref="DeviceBuffer{T}.Length"/> elements of <see cref="Array"/>.</summary>
    public Span<T> Span => Array.AsSpan(0, Length);

    /// <inheritdoc/>
    public override void CopyFrom(ReadOnlySpan<T> source, int offset = 0)
    {
        CheckRange(offset, source.Length);
        source.CopyTo(Array.AsSpan(offset));
    }

    /// <inheritdoc/>
    public override void CopyTo(Span<T> destination, int offset = 0)
    {
        CheckRange(offset, destination.Length);
        Array.AsSpan(offset, destination.Length).CopyTo(destination);
    }

    /// <inheritdoc/>
    protected override void Release() => owner.Return(this);
}
