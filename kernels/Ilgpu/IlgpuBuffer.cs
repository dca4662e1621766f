using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

/// <summary>
/// An ILGPU device allocation as a <see cref="DeviceBuffer{T}"/>, or a slice of one (<see cref="IlgpuKernels.Slice"/>).
/// The memory comes from the owning backend's pool (<see cref="IlgpuKernels"/>) and goes back to it when the buffer
/// and every slice of it are disposed. Every <see cref="CopyTo"/> is a device-to-host copy that waits for the queue,
/// and is counted in <see cref="IlgpuKernels.DeviceToHostCopies"/>.
/// </summary>
/// <typeparam name="T">The element type (float, int or double in this engine).</typeparam>
public sealed class IlgpuBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    readonly IlgpuKernels owner;
    readonly MemoryBuffer1D<T, Stride1D.Dense>? memory; // null for a zero-length buffer: ILGPU rejects empty allocations
    readonly IlgpuBuffer<T>? parent;                     // the allocation a slice views, whose memory it keeps alive
    readonly int offset;
    int references = 1;                                  // of an allocation: itself plus its live slices

    internal IlgpuBuffer(IlgpuKernels owner, MemoryBuffer1D<T, Stride1D.Dense>? memory, int length) : base(length)
    {
        this.owner = owner;
        this.memory = memory;
    }

    IlgpuBuffer(IlgpuBuffer<T> parent, int offset, int length) : base(length)
    {
        owner = parent.owner;
        memory = length == 0 ? null : parent.memory;
        this.parent = parent;
        this.offset = offset;
        Interlocked.Increment(ref parent.references);
    }

    /// <summary>A slice of the allocation behind this buffer (which may itself be a slice); the caller checked the range.</summary>
    internal IlgpuBuffer<T> Slice(int start, int length) => parent is null ? new(this, start, length) : new(parent, offset + start, length);

    /// <summary>The whole buffer as a kernel argument (<see cref="ArrayView{T}.Empty"/> for a zero-length buffer).</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public ArrayView<T> View
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return Memory;
        }
    }

    ArrayView<T> Memory => memory is null ? ArrayView<T>.Empty : memory.View.BaseView.SubView(offset, Length);

    /// <inheritdoc/>
    public override void CopyFrom(ReadOnlySpan<T> source, int offset = 0)
    {
        CheckRange(offset, source.Length);
        if (source.Length == 0) return;
        owner.Synchronize(); // kernels run asynchronously; a host copy must not overtake them
        Memory.SubView(offset, source.Length).CopyFromCPU(source);
        owner.CountHostToDevice();
    }

    /// <inheritdoc/>
    public override void CopyTo(Span<T> destination, int offset = 0)
    {
        CheckRange(offset, destination.Length);
        if (destination.Length == 0) return;
        owner.Synchronize();
        Memory.SubView(offset, destination.Length).CopyToCPU(destination);
        owner.CountDeviceToHost();
    }

    /// <inheritdoc/>
    protected override void Release()
    {
        owner.ReleaseLive();
        (parent ?? this).DropReference();
    }

    void DropReference()
    {
        if (Interlocked.Decrement(ref references) == 0) owner.Return(memory, base.Length);
    }
}
