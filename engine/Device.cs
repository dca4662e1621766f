using NativeDsp.Kernels;

namespace NativeDsp.Engine;

/// <summary>
/// Where tensors live: one set of kernels (Host or ILGPU) and the tape that records the ops run on
/// them. Every tensor of an op must be on the same device.
/// </summary>
public sealed class Device : IDisposable
{
    readonly bool ownsKernels;

    /// <summary>A device over <paramref name="kernels"/>, with a tape of its own.</summary>
    /// <param name="kernels">The backend.</param>
    /// <param name="ownsKernels">Whether disposing the device disposes the kernels (false for shared test backends).</param>
    /// <param name="selectionReason">Why this backend was chosen, for the run log (default: the backend's description).</param>
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
    /// <exception cref="ArgumentException">An unknown device name (the message lists the choices).</exception>
    /// <exception cref="InvalidOperationException">The requested GPU backend is not available on this machine.</exception>
    public static Device Select(string? requested = null)
    {
        var selected = DeviceSelection.Select(requested);
        return new Device(selected.Kernels, ownsKernels: true, selected.Reason);
    }

    /// <summary>The backend's primitive ops over device buffers.</summary>
    public IKernels Kernels { get; }
    /// <summary>The tape that records the ops run on this device and owns their outputs.</summary>
    public Tape Tape { get; }
    /// <summary>Why this device was chosen (for the run log).</summary>
    public string SelectionReason { get; }
    /// <summary>The backend in words (e.g. "host: AVX2, 2 threads").</summary>
    public string Description => Kernels.Description;

    /// <summary>Buffers allocated on the backend and not yet freed (for leak checks).</summary>
    public long LiveBuffers => Kernels.LiveBuffers;

    /// <summary>Frees every tape-owned tensor created from now until the scope is disposed.</summary>
    public TapeScope Scope() => Tape.Scope();

    /// <summary>Waits until every queued kernel has finished (for timing; reading a tensor back synchronizes by itself).</summary>
    public void Synchronize() => Kernels.Synchronize();

    /// <summary>The <see cref="Description"/>.</summary>
    public override string ToString() => Description;

    /// <summary>Frees every tape-owned tensor and, if the device owns them, the kernels; caller-owned tensors must be disposed first.</summary>
    public void Dispose()
    {
        Tape.Reset();
        if (ownsKernels) Kernels.Dispose();
    }
}
