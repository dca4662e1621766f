using NativeDsp.Kernels;

namespace NativeDsp.Engine;

/// <summary>
/// Where tensors live: one set of kernels (Host or ILGPU) and the tape that records the ops run on
/// them. Every tensor of an op must be on the same device.
/// </summary>
public sealed class Device : IDisposable
{
    readonly bool ownsKernels;

    /// <param name="kernels">The backend. </param>
    /// <param name="ownsKernels">Whether disposing the device disposes the kernels (false for shared test backends).</param>
    public Device(IKernels kernels, bool ownsKernels = false, string? selectionReason = null)
    {
        Kernels = kernels;
        this.ownsKernels = ownsKernels;
        SelectionReason = selectionReason ?? kernels.Description;
        Tape = new Tape(this);
    }

    /// <summary>
    /// The device for a run: <paramref name="requested"/> (auto|cuda|opencl|host|ilgpu-cpu), else the
    /// NATIVEDSP_DEVICE environment variable, else auto. <see cref="SelectionReason"/> says why, for the run log.
    /// </summary>
    public static Device Select(string? requested = null)
    {
        var selected = DeviceSelection.Select(requested);
        return new Device(selected.Kernels, ownsKernels: true, selected.Reason);
    }

    public IKernels Kernels { get; }
    public Tape Tape { get; }
    public string SelectionReason { get; }
    public string Description => Kernels.Description;

    /// <summary>Buffers allocated on the backend and not yet freed (for leak checks).</summary>
    public long LiveBuffers => Kernels.LiveBuffers;

    /// <summary>Frees every tape-owned tensor created from now until the scope is disposed.</summary>
    public TapeScope Scope() => Tape.Scope();

    public void Synchronize() => Kernels.Synchronize();

    public override string ToString() => Description;

    public void Dispose()
    {
        Tape.Reset();
        if (ownsKernels) Kernels.Dispose();
    }
}
