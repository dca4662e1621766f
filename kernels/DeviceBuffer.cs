namespace NativeDsp.Kernels;

/// <summary>
/// A block of device memory holding <see cref="Length"/> elements of <typeparamref name="T"/>.
/// Each backend subclasses it (host array, ILGPU MemoryBuffer); kernels of one backend accept only
/// that backend's buffers. Disposing returns the memory to the backend (which may pool it).
/// </summary>
public abstract class DeviceBuffer<T> : IDisposable where T : unmanaged
{
    protected DeviceBuffer(int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "buffer length must be >= 0");
        Length = length;
    }

    public int Length { get; }
    public bool IsDisposed { get; private set; }

    /// <summary>Copies <paramref name="source"/> into this buffer starting at element <paramref name="offset"/>.</summary>
    public abstract void CopyFrom(ReadOnlySpan<T> source, int offset = 0);

    /// <summary>Copies elements [offset, offset + destination.Length) of this buffer into <paramref name="destination"/>.</summary>
    public abstract void CopyTo(Span<T> destination, int offset = 0);

    public T[] ToArray()
    {
        var result = new T[Length];
        CopyTo(result);
        return result;
    }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Release();
        GC.SuppressFinalize(this);
    }

    protected abstract void Release();

    protected void CheckRange(int offset, int count)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (offset < 0 || count < 0 || (long)offset + count > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {offset + count}) is outside a buffer of {Length} elements");
    }
}
