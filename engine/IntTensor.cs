using NativeDsp.Kernels;

namespace NativeDsp.Engine;

/// <summary>
/// Integer data on the device: token ids and class labels. No gradient, no ops of its own; it feeds
/// <see cref="Ops.Embedding"/> and <see cref="Ops.CrossEntropy"/>. Caller-owned unless handed to the
/// tape with <see cref="Tape.Own{T}"/>. Immutable once made: it keeps the host values it was made from
/// (<see cref="HostValues"/>), so the ops that index with it validate the ids and targets on the host
/// without reading the device back (a read-back would synchronise a GPU in every training step).
/// </summary>
public sealed class IntTensor : IDisposable, ITapeOwned
{
    readonly DeviceBuffer<int> buffer;
    readonly int[] values;
    readonly bool ownsBuffer;

    IntTensor(Device device, Shape shape, DeviceBuffer<int> buffer, int[] values, bool ownsBuffer)
    {
        Device = device;
        Shape = shape;
        this.buffer = buffer;
        this.values = values;
        this.ownsBuffer = ownsBuffer;
    }

    /// <summary>The device holding the data.</summary>
    public Device Device { get; }
    /// <summary>The dimensions, row-major.</summary>
    public Shape Shape { get; }
    /// <summary>The number of elements.</summary>
    public int Count => Shape.Count;
    /// <summary>True after <see cref="Dispose"/>.</summary>
    public bool IsDisposed { get; private set; }
    bool ITapeOwned.IsKept => false;

    /// <summary>
    /// The values on the host, as uploaded by <see cref="FromArray"/> (row-major, <see cref="Count"/> of them).
    /// Ops validate indices against these, never against a read-back of <see cref="Buffer"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    public ReadOnlySpan<int> HostValues => IsDisposed
        ? throw new ObjectDisposedException(nameof(IntTensor), $"an int tensor of shape {Shape} was used after it was disposed")
        : values;

    /// <summary>The device buffer; kernels must not write to it (the tensor is immutable, see <see cref="HostValues"/>).</summary>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    public DeviceBuffer<int> Buffer => IsDisposed
        ? throw new ObjectDisposedException(nameof(IntTensor), $"an int tensor of shape {Shape} was used after it was disposed")
        : buffer;

    /// <summary>A caller-owned int tensor holding a copy of <paramref name="data"/> with the given dimensions.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the shape's element count, or a dimension is negative.</exception>
    public static IntTensor FromArray(Device device, ReadOnlySpan<int> data, params int[] dims)
    {
        var shape = new Shape(dims);
        if (data.Length != shape.Count) throw new ArgumentException($"IntTensor.FromArray: {data.Length} values for shape {shape} ({shape.Count} elements)");
        var b = device.Kernels.AllocateInt(shape.Count);
        b.CopyFrom(data);
        return new IntTensor(device, shape, b, data.ToArray(), ownsBuffer: true);
    }

    /// <summary>
    /// A view with other dimensions over the same buffer. The view does not own the buffer: dispose the
    /// original, and do not use the view after that.
    /// </summary>
    public IntTensor Reshape(params int[] dims)
    {
        var shape = Shape.Reshaped(dims);
        return new IntTensor(Device, shape, Buffer, values, ownsBuffer: false);
    }

    /// <summary>A copy of the values (from <see cref="HostValues"/>: no device read).</summary>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    public int[] ToArray() => HostValues.ToArray();

    /// <summary>"IntTensor[d0, d1, ...]".</summary>
    public override string ToString() => $"IntTensor{Shape}";

    /// <summary>Frees the buffer if this tensor owns it (views do not); idempotent.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        if (ownsBuffer) buffer.Dispose();
    }
}
