namespace NativeDsp.Kernels;

/// <summary>
/// A block of device memory holding <see cref="Length"/> elements of <typeparamref name="T"/>.
/// Each backend subclasses it (host array, ILGPU MemoryBuffer); kernels of one backend accept only
/// that backend's buffers. Disposing returns the memory to the backend (which may pool it).
/// </summary>
public abstract class DeviceBuffer<T> : IDisposable where T : unmanaged
{
    /// <summary>A buffer of <paramref name="length"/> elements (the subclass allocates them).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> &lt; 0.</exception>
    protected DeviceBuffer(int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "buffer length must be >= 0");
        Length = length;
    }

    /// <summary>Number of elements (not bytes).</summary>
    public int Length { get; }

    /// <summary>Whether <see cref="Dispose"/> has run; kernels reject a disposed buffer.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Copies <paramref name="source"/> into this buffer starting at element <paramref name="offset"/>.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the buffer.</exception>
    public abstract void CopyFrom(ReadOnlySpan<T> source, int offset = 0);

    /// <summary>Copies elements [offset, offset + destination.Length) of this buffer into <paramref name="destination"/>.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the buffer.</exception>
    public abstract void CopyTo(Span<T> destination, int offset = 0);

    /// <summary>A copy of all <see cref="Length"/> elements on the host (a device-to-host copy on a GPU backend).</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public T[] ToArray()
    {
        var result = new T[Length];
        CopyTo(result);
        return result;
    }

    /// <summary>Returns the memory to the backend (idempotent).</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Gives the memory back to the owning backend; called once, by <see cref="Dispose"/>.</summary>
    protected abstract void Release();

    /// <summary>For CopyFrom/CopyTo: the buffer is live and [offset, offset + count) lies inside it.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the buffer.</exception>
    protected void CheckRange(int offset, int count)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (offset < 0 || count < 0 || (long)offset + count > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {offset + count}) is outside a buffer of {Length} elements");
    }
}
