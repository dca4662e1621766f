using System.CommandLine;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp device [auto|host|cuda|opencl|ilgpu-cpu]</c> (or <c>--device X</c>, as every other verb spells it):
/// which backend a run would use, and why.
/// </summary>
public static class DeviceCommand
{
    public static Command Create()
    {
        var command = new Command("device", "print which compute backend would be used and why");
        var choice = CliOptions.OptionalChoiceArgument<DeviceChoice>("DEVICE", "the backend to try (default: $NATIVEDSP_DEVICE, else auto)");
        command.Arguments.Add(choice);
        var option = CliOptions.Device();
        command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var (positional, named) = (parsed.GetValue(choice), parsed.GetValue(option));
            if (positional is not null && named is not null && positional != named)
                throw new UsageException($"DEVICE '{EnumText.Of(positional.Value)}' and --device '{EnumText.Of(named.Value)}' disagree: give one");
            var selected = Devices.OpenKernels(named ?? positional);
            using (selected.Kernels) Console.WriteLine($"device: {selected.Reason}");
            return 0;
        });
        return command;
    }
}
