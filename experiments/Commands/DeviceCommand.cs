using NativeDsp.Kernels;

namespace NativeDsp.Experiments.Commands;

/// <summary><c>nativedsp device [auto|cuda|opencl|host|ilgpu-cpu]</c>: which backend a run would use, and why.</summary>
public static class DeviceCommand
{
    public static int Run(string[] args)
    {
        if (args.Length > 1) throw new UsageException("expected at most one argument", "usage: nativedsp device [auto|cuda|opencl|host|ilgpu-cpu]");
        var selected = DeviceSelection.Select(args.Length == 1 ? args[0] : null);
        using (selected.Kernels) Console.WriteLine($"device: {selected.Reason}");
        return 0;
    }
}
