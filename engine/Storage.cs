using NativeDsp.Kernels;

namespace NativeDsp.Engine;

/// <summary>
/// A device buffer shared by a tensor and its views (reshape, detach): reference-counted so that the
/// memory goes back to the backend when the last tensor using it is disposed, whichever that is.
/// </summary>
internal sealed class Storage(DeviceBuffer<float> buffer)
{
    int references = 1;

    public DeviceBuffer<float> Buffer { get; } = buffer;

    public Storage Retain()
    {
        references++;
        return this;
    }

    public void Release()
    {
        if (--references == 0) Buffer.Dispose();
    }
}
