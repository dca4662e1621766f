using System.CommandLine;
using System.Reflection;
using NativeDsp.Experiments.Runs;
using NativeDsp.Experiments.Pruning;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// One <c>--name</c> option (and its dashed alias, <c>--d-model</c> for <c>--d_model</c>) per setting of
/// <see cref="ExperimentConfig"/>, generated from its <see cref="SettingAttribute"/>s: the option has the setting's
/// type and help, and its value overrides the preset's. Ranges are left to <see cref="ExperimentConfig.Validate"/>,
/// which sees the whole config. Create one instance per command (an option belongs to one command).
/// </summary>
public sealed class SettingOptions
{
    readonly List<(Option Option, Func<ParseResult, ExperimentConfig, ExperimentConfig> Apply)> options = [];

    /// <summary>The settings only unit runs read (benchmark timing); a command whose runs are all head runs refuses them.</summary>
    public static readonly string[] UnitRunSettings = ["time_reps", "time_batch"];

    public SettingOptions()
    {
        var make = typeof(SettingOptions).GetMethod(nameof(Make), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var setting in ExperimentConfig.SettingInfos)
        {
            // --init takes a random-init scheme or a pretrained source, so it is text (ExperimentConfig.WithOverride sorts it out).
            var type = setting.Name == "init" ? typeof(string) : setting.Type;
            var (option, apply) = ((Option, Func<ParseResult, ExperimentConfig, ExperimentConfig>))make.MakeGenericMethod(type).Invoke(null, [setting])!;
            options.Add((option, apply));
        }
    }

    /// <summary>The generated options, to add to a command.</summary>
    public IEnumerable<Option> Options => options.Select(o => o.Option);

    /// <summary>
    /// The options of <paramref name="settings"/> (setting names, e.g. "time_reps") given on the command line, spelled as
    /// given ("--time-reps" or "--time_reps").
    /// </summary>
    public IEnumerable<string> Given(ParseResult parsed, IEnumerable<string> settings)
    {
        var wanted = settings.Select(n => "--" + n).ToHashSet();
        foreach (var (option, _) in options)
            if (wanted.Contains(option.Name) && parsed.GetResult(option) is { Implicit: false } result)
                yield return result.IdentifierToken?.Value ?? option.Name;
    }

    /// <summary>Every setting given on the command line: its snake_case name and the option as typed ("--mask-steps").</summary>
    public IEnumerable<(string Setting, string Option)> Given(ParseResult parsed)
    {
        foreach (var (option, _) in options)
            if (parsed.GetResult(option) is { Implicit: false } result)
                yield return (option.Name[2..], result.IdentifierToken?.Value ?? option.Name);
    }

    /// <summary>
    /// Refuses a method-specific setting given on the command line that none of <paramref name="runs"/> reads
    /// (<see cref="MethodSettings"/>), and prints a note for each one that only some of them read.
    /// </summary>
    /// <exception cref="UsageException">A setting no run reads, in one line.</exception>
    public void CheckMethodSettings(ParseResult parsed, IEnumerable<(PruningMethod Method, PruningSetting Setting)> runs, string methodsOption, TextWriter notes)
    {
        var (error, lines) = MethodSettings.Check(Given(parsed), runs.Distinct().ToList(), methodsOption);
        if (error is not null) throw new UsageException(error);
        foreach (string line in lines) notes.WriteLine(line);
    }

    /// <summary><paramref name="config"/> with every setting given on the command line.</summary>
    public ExperimentConfig Apply(ParseResult parsed, ExperimentConfig config)
    {
        foreach (var (option, apply) in options)
            if (parsed.GetResult(option) is { Implicit: false })
                config = apply(parsed, config);
        return config;
    }

    static (Option, Func<ParseResult, ExperimentConfig, ExperimentConfig>) Make<T>(ExperimentConfig.SettingInfo setting)
    {
        string name = "--" + setting.Name, dashed = "--" + setting.Name.Replace('_', '-');
        bool numeric = setting.Type == typeof(int) || setting.Type == typeof(long) || setting.Type == typeof(float) || setting.Type == typeof(double);
        var option = new Option<T>(name, dashed == name ? [] : [dashed])
        {
            Description = setting.Help + (numeric ? $"; {setting.Attribute.RangeText()}" : "") + "; default: the preset's",
            HelpName = setting.Type == typeof(bool) ? "true|false" : setting.Type.IsEnum || setting.Name == "init" ? "VALUE" : numeric ? "NUMBER" : "TEXT",
            CustomParser = r =>
            {
                // A bare boolean flag (--pre_norm) means true.
                string text = r.Tokens.Count == 0 ? "true" : r.Tokens[^1].Value;
                try
                {
                    return setting.Name == "init" ? (T)(object)text : (T)ExperimentConfig.ParseValue(setting, text);
                }
                catch (ArgumentException e)
                {
                    r.AddError(e.Message);
                    return default!;
                }
            },
        };
        ExperimentConfig Apply(ParseResult parsed, ExperimentConfig config)
        {
            var value = parsed.GetValue(option)!;
            return setting.Name == "init" ? config.WithOverride("init", (string)(object)value) : config.With(setting, value);
        }
        return (option, Apply);
    }
}
