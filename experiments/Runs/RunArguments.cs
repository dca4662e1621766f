using NativeDsp.Experiments.Commands;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The options nli, mt and sweep share: --preset, --device, --data, --out and the per-setting overrides
/// (--steps 100, --d_model 32, --tau-end 1e-6, ...), parsed on top of the preset.
/// </summary>
public static class RunArguments
{
    /// <summary>Every override as --snake_case and --dashed-name.</summary>
    public static IReadOnlyList<string> OverrideOptions { get; } =
        ExperimentConfig.Names.SelectMany(n => new[] { "--" + n, "--" + n.Replace('_', '-') }).Distinct().ToArray();

    public static string OverrideHelp =>
        "  preset overrides: " + string.Join(" ", ExperimentConfig.Names.Select(n => $"--{n}"));

    /// <summary>The preset's config with every override on the command line applied.</summary>
    public static ExperimentConfig Config(CommandOptions options, string task, string preset, string usage)
    {
        ExperimentConfig config;
        try
        {
            config = Presets.Get(task, preset);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, usage);
        }
        foreach (string name in ExperimentConfig.Names)
            foreach (string option in new[] { "--" + name, "--" + name.Replace('_', '-') }.Distinct())
                if (options.Get(option) is string value)
                {
                    try
                    {
                        config = config.WithOverride(name, value);
                    }
                    catch (ArgumentException e)
                    {
                        throw new UsageException(e.Message, usage);
                    }
                }
        if (config.Pretrained.Length > 0 && task != "nli")
            throw new UsageException($"--init {config.Pretrained}: a pretrained encoder applies to nli only", usage);
        try
        {
            return PretrainedEncoders.WithShape(config);
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentException or NotSupportedException)
        {
            throw new UsageException(e.Message, usage);
        }
    }

    public static string Choice(CommandOptions options, string name, string fallback, IReadOnlyCollection<string> allowed, string usage)
    {
        string value = options.Get(name) ?? fallback;
        if (!allowed.Contains(value)) throw new UsageException($"{name} must be one of {string.Join(", ", allowed)}, got '{value}'", usage);
        return value;
    }

    public static int Integer(CommandOptions options, string name, int fallback, string usage, int min = 0)
    {
        string? text = options.Get(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) || v < min)
            throw new UsageException($"{name} must be an integer >= {min}, got '{text}'", usage);
        return v;
    }

    /// <summary>A comma-separated list, each item checked by <paramref name="parse"/>.</summary>
    public static List<T> List<T>(CommandOptions options, string name, IReadOnlyList<T> fallback, Func<string, T> parse, string usage)
    {
        string? text = options.Get(name);
        if (text is null) return fallback.ToList();
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length == 0) throw new UsageException($"{name} needs at least one value", usage);
        try
        {
            return items.Select(parse).Distinct().ToList();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw new UsageException($"{name}: {e.Message}", usage);
        }
    }

    public static int PositiveInt(string s) =>
        int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) && v >= 1
            ? v : throw new ArgumentException($"'{s}' is not a positive integer");

    public static int NonNegativeInt(string s) =>
        int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) && v >= 0
            ? v : throw new ArgumentException($"'{s}' is not a non-negative integer");

    public static void OneOfOrUsage(string value, IReadOnlyCollection<string> allowed, string name, string usage)
    {
        if (!allowed.Contains(value)) throw new UsageException($"{name} must be one of {string.Join(", ", allowed)}, got '{value}'", usage);
    }

    public static string OneOf(string s, IReadOnlyCollection<string> allowed) =>
        allowed.Contains(s) ? s : throw new ArgumentException($"'{s}' is not one of {string.Join(", ", allowed)}");
}
