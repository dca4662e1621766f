using NativeDsp.Engine;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Commands;

/// <summary>The backends <c>--device</c> names (<see cref="NativeDsp.Kernels.DeviceSelection"/>); text by <see cref="EnumText"/>.</summary>
public enum DeviceChoice
{
    Auto,
    Host,
    Cuda,
    Opencl,
    IlgpuCpu,
}

/// <summary>Opens the device a command asked for, turning "not available here" into an expected failure.</summary>
public static class Devices
{
    /// <summary>
    /// The device for <paramref name="choice"/>; null defers to NATIVEDSP_DEVICE, else auto.
    /// </summary>
    /// <exception cref="ExpectedFailureException">The backend exists but is not available on this machine (no CUDA driver, no OpenCL device).</exception>
    /// <exception cref="UsageException">NATIVEDSP_DEVICE names no backend.</exception>
    public static Device Open(DeviceChoice? choice)
    {
        try
        {
            return Device.Select(choice is { } c ? EnumText.Of(c) : null);
        }
        catch (InvalidOperationException e)
        {
            throw new ExpectedFailureException($"{e.Message}; choose another --device (auto picks what is there)", e);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>The kernels alone, with the reason they were picked (for commands that need no tape).</summary>
    public static NativeDsp.Kernels.SelectedKernels OpenKernels(DeviceChoice? choice)
    {
        try
        {
            return NativeDsp.Kernels.DeviceSelection.Select(choice is { } c ? EnumText.Of(c) : null);
        }
        catch (InvalidOperationException e)
        {
            throw new ExpectedFailureException($"{e.Message}; choose another --device (auto picks what is there)", e);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
