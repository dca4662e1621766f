using System.CommandLine;

namespace NativeDsp.Experiments.Commands;

/// <summary><c>nativedsp device [auto|host|cuda|opencl|ilgpu-cpu]</c>: which backend a run would use, and why.</summary>
public static class DeviceCommand
{
    public static Command Create()
    {
        var command = new Command("device", "print which compute backend would be used and why");
        var choice = CliOptions.OptionalChoiceArgument<DeviceChoice>("DEVICE", "the backend to try (default: $NATIVEDSP_DEVICE, else auto)");
        command.Arguments.Add(choice);
        command.SetAction(parsed =>
        {
            var selected = Devices.OpenKernels(parsed.GetValue(choice));
            using (selected.Kernels) Console.WriteLine($"device: {selected.Reason}");
            return 0;
        });
        return command;
    }
}
