using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

/// <summary>
/// An ILGPU device allocation as a <see cref="DeviceBuffer{T}"/>. The memory comes from the owning
/// backend's pool (<see cref="IlgpuKernels"/>) and goes back to it on <see cref="DeviceBuffer{T}.Dispose"/>.
/// Every <see cref="CopyTo"/> is a device-to-host copy that waits for the queue, and is counted in
/// <see cref="IlgpuKernels.DeviceToHostCopies"/>.
/// </summary>
/// <typeparam name="T">The element type (float, int or double in this engine).</typeparam>
public sealed class IlgpuBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    readonly IlgpuKernels owner;
    readonly MemoryBuffer1D<T, Stride1D.Dense>? memory; // null for a zero-length buffer: ILGPU rejects empty allocations

    internal IlgpuBuffer(IlgpuKernels owner, MemoryBuffer1D<T, Stride1D.Dense>? memory, int length) : base(length)
    {
        this.owner = owner;
        this.memory = memory;
    }

    /// <summary>The whole buffer as a kernel argument (<see cref="ArrayView{T}.Empty"/> for a zero-length buffer).</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public ArrayView<T> View
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return memory is null ? ArrayView<T>.Empty : memory.View.BaseView;
        }
    }

    /// <inheritdoc/>
    public override void CopyFrom(ReadOnlySpan<T> source, int offset = 0)
    {
        CheckRange(offset, source.Length);
        if (source.Length == 0) return;
        owner.Synchronize(); // kernels run asynchronously; a host copy must not overtake them
        memory!.View.BaseView.SubView(offset, source.Length).CopyFromCPU(source);
        owner.CountHostToDevice();
    }

    /// <inheritdoc/>
    public override void CopyTo(Span<T> destination, int offset = 0)
    {
        CheckRange(offset, destination.Length);
        if (destination.Length == 0) return;
        owner.Synchronize();
        memory!.View.BaseView.SubView(offset, destination.Length).CopyToCPU(destination);
        owner.CountDeviceToHost();
    }

    /// <inheritdoc/>
    protected override void Release() => owner.Return(memory, Length);
}
