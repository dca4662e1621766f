using System.CommandLine;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// The options nli, mt and sweep share: --preset, --device, --data and one override per setting
/// (<see cref="SettingOptions"/>), and the checked config they make. One instance per command.
/// </summary>
public sealed class RunOptions
{
    public ChoiceOption<PresetName> Preset { get; } = CliOptions.Choice("--preset", "named settings: quick (minutes on a CPU), full (CPU hours), paper (the paper's shapes, for a GPU), pretrained (nli: fine-tune MiniLM), units (nli: the unit sweep over parameter budgets on MiniLM)", PresetName.Quick);
    public Option<DeviceChoice?> Device { get; } = CliOptions.Device();
    public Option<string?> Data { get; } = new("--data") { Description = "data root holding mt/ and nli/ (default: experiments/data of this repository, or $NATIVEDSP_DATA)", HelpName = "PATH" };
    public SettingOptions Settings { get; } = new();

    public void AddTo(Command command)
    {
        command.Options.Add(Preset.Option);
        command.Options.Add(Device);
        command.Options.Add(Data);
        foreach (var option in Settings.Options) command.Options.Add(option);
    }

    /// <summary>
    /// The preset's config with the command line's overrides, the shape of a pretrained source (its config.json
    /// is read, no weights), validated as a whole. Reads no data: call it before any work.
    /// </summary>
    /// <exception cref="UsageException">The preset does not exist for the task, a --init source cannot be read, or a setting is out of range.</exception>
    public ExperimentConfig Config(ParseResult parsed, ExperimentTask task)
    {
        string taskName = EnumText.Of(task), presetName = EnumText.Of(Preset.Value(parsed));
        ExperimentConfig config;
        try
        {
            config = Presets.Get(taskName, presetName);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--preset {presetName}: {e.Message}");
        }
        config = Settings.Apply(parsed, config);
        ThrowIfInvalid(config, taskName);
        try
        {
            config = PretrainedEncoders.WithShape(config);
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentException or NotSupportedException or System.Text.Json.JsonException)
        {
            throw new UsageException(e.Message);
        }
        ThrowIfInvalid(config, taskName);
        return config;
    }

    static void ThrowIfInvalid(ExperimentConfig config, string task)
    {
        var problems = config.Validate(task);
        if (problems.Count > 0) throw new UsageException(string.Join("; ", problems));
    }
}
