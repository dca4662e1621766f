namespace NativeDsp.Kernels;

/// <summary>
/// A backend whose buffers can alias part of another buffer (ILGPU: a sub-view of the same device allocation; the Host
/// kernels index their arrays from 0, so they cannot). The engine uses it to keep every parameter, gradient and moment
/// of an optimizer in flat buffers, so that one <see cref="IKernels.AdamUpdateMultiTensor"/> launch updates them all.
/// </summary>
public interface IBufferSlices
{
    /// <summary>
    /// A buffer of <paramref name="length"/> elements that is elements [<paramref name="offset"/>, offset + length) of
    /// <paramref name="parent"/>: writes through either are seen by the other. The slice keeps the parent's memory alive:
    /// the memory goes back to the backend when the parent and all its slices are disposed. Not zero-filled.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="parent"/> is another backend's buffer, or is disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the parent.</exception>
    DeviceBuffer<float> Slice(DeviceBuffer<float> parent, int offset, int length);
}
