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

    public Device Device { get; }
    public Shape Shape { get; }
    public int Count => Shape.Count;
    public bool IsDisposed { get; private set; }
    bool ITapeOwned.IsKept => false;

    public DeviceBuffer<int> Buffer => IsDisposed
        ? throw new ObjectDisposedException(nameof(IntTensor), $"an int tensor of shape {Shape} was used after it was disposed")
        : buffer;

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

    public int[] ToArray()
    {
        var result = new int[Count];
        Buffer.CopyTo(result);
        return result;
    }

    public override string ToString() => $"IntTensor{Shape}";

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        if (ownsBuffer) buffer.Dispose();
    }
}
