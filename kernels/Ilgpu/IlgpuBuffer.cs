using ILGPU;
using ILGPU.Runtime;

namespace NativeDsp.Kernels.Ilgpu;

/// <summary>An ILGPU device allocation as a <see cref="DeviceBuffer{T}"/>.</summary>
public sealed class IlgpuBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    readonly IlgpuKernels owner;
    readonly MemoryBuffer1D<T, Stride1D.Dense>? memory; // null for a zero-length buffer: ILGPU rejects empty allocations

    internal IlgpuBuffer(IlgpuKernels owner, Accelerator accelerator, int length) : base(length)
    {
        this.owner = owner;
        if (length > 0)
        {
            memory = accelerator.Allocate1D<T>(length);
            memory.MemSetToZero();
        }
    }

    /// <summary>The whole buffer as a kernel argument.</summary>
    public ArrayView<T> View => memory is null ? ArrayView<T>.Empty : memory.View.BaseView;

    public override void CopyFrom(ReadOnlySpan<T> source, int offset = 0)
    {
        CheckRange(offset, source.Length);
        if (source.Length == 0) return;
        owner.Synchronize(); // kernels run asynchronously; a host copy must not overtake them
        memory!.View.BaseView.SubView(offset, source.Length).CopyFromCPU(source);
    }

    public override void CopyTo(Span<T> destination, int offset = 0)
    {
        CheckRange(offset, destination.Length);
        if (destination.Length == 0) return;
        owner.Synchronize();
        memory!.View.BaseView.SubView(offset, destination.Length).CopyToCPU(destination);
    }

    protected override void Release()
    {
        memory?.Dispose();
        owner.Released();
    }
}
