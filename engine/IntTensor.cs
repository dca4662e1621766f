using NativeDsp.Kernels;

namespace NativeDsp.Engine;

/// <summary>
/// Integer data on the device: token ids and class labels. No gradient, no ops of its own; it feeds
/// <see cref="Ops.Embedding"/> and <see cref="Ops.CrossEntropy"/>. Caller-owned unless handed to the
/// tape with <see cref="Tape.Own{T}"/>.
/// </summary>
public sealed class IntTensor : IDisposable, ITapeOwned
{
    readonly DeviceBuffer<int> buffer;
    readonly bool ownsBuffer;

    IntTensor(Device device, Shape shape, DeviceBuffer<int> buffer, bool ownsBuffer)
    {
        Device = device;
        Shape = shape;
        this.buffer = buffer;
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

    /// <summary>The storage, for ops calling kernels.</summary>
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
        return new IntTensor(device, shape, b, ownsBuffer: true);
    }

    /// <summary>
    /// A view with other dimensions over the same buffer. The view does not own the buffer: dispose the
    /// original, and do not use the view after that.
    /// </summary>
    public IntTensor Reshape(params int[] dims)
    {
        var shape = Shape.Reshaped(dims);
        return new IntTensor(Device, shape, Buffer, ownsBuffer: false);
    }

    /// <summary>The values copied to the host (waits for pending kernels).</summary>
    public int[] ToArray()
    {
        var result = new int[Count];
        Buffer.CopyTo(result);
        return result;
    }

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
