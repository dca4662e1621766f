using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// Option builders the verbs share, on System.CommandLine: enum choices spelt as <see cref="EnumText"/> spells
/// them (so "ilgpu-cpu" parses and help lists the names), comma-separated lists, integers with a lower bound,
/// and the device and output-folder options. Parse errors name the option and what it accepts.
/// </summary>
public static class CliOptions
{
    /// <summary>
    /// An enum option with a default. The default is not System.CommandLine's (its help would print it with
    /// ToString, "Quick"); the description names it as the option is spelt, and <see cref="ChoiceOption{T}.Value"/> applies it.
    /// </summary>
    public static ChoiceOption<T> Choice<T>(string name, string description, T defaultValue) where T : struct, Enum =>
        new(OptionalChoice<T>(name, $"{description} [default: {EnumText.Of(defaultValue)}]"), defaultValue);

    /// <summary>An enum option that may be absent (null).</summary>
    public static Option<T?> OptionalChoice<T>(string name, string description) where T : struct, Enum => new(name)
    {
        Description = description,
        HelpName = string.Join("|", EnumText.Names<T>()),
        CustomParser = r => ParseChoice<T>(r, name),
    };

    /// <summary>A required enum option.</summary>
    public static Option<T> RequiredChoice<T>(string name, string description) where T : struct, Enum => new(name)
    {
        Description = description,
        HelpName = string.Join("|", EnumText.Names<T>()),
        Required = true,
        CustomParser = r => ParseChoice<T>(r, name) ?? default,
    };

    /// <summary>An enum argument that may be absent.</summary>
    public static Argument<T?> OptionalChoiceArgument<T>(string name, string description) where T : struct, Enum => new(name)
    {
        Description = description,
        HelpName = string.Join("|", EnumText.Names<T>()),
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = r => ParseChoice<T>(r, name),
    };

    /// <summary>A required enum argument.</summary>
    public static Argument<T> ChoiceArgument<T>(string name, string description) where T : struct, Enum => new(name)
    {
        Description = description,
        HelpName = string.Join("|", EnumText.Names<T>()),
        CustomParser = r => ParseChoice<T>(r, name) ?? default,
    };

    static T? ParseChoice<T>(ArgumentResult r, string name) where T : struct, Enum
    {
        if (r.Tokens.Count == 0) return null;
        string text = r.Tokens[^1].Value;
        if (EnumText.TryParse(text, out T value)) return value;
        r.AddError($"{name} '{text}': expected one of {string.Join(", ", EnumText.Names<T>())}");
        return null;
    }

    /// <summary>
    /// A comma-separated list ("dsp,ste"; repeating the option adds to it), each item parsed by
    /// <paramref name="parse"/> (which throws <see cref="ArgumentException"/> or <see cref="FormatException"/>
    /// for a bad item); duplicates are dropped, order is kept.
    /// </summary>
    public static Option<List<T>> List<T>(string name, string description, string helpName, Func<string, T> parse, Func<List<T>>? defaultValue = null)
    {
        var option = new Option<List<T>>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = r =>
            {
                var items = r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
                if (items.Count == 0)
                {
                    r.AddError($"{name} needs at least one value");
                    return [];
                }
                var values = new List<T>();
                foreach (string item in items)
                {
                    try
                    {
                        values.Add(parse(item));
                    }
                    catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
                    {
                        r.AddError($"{name} '{item}': {e.Message}");
                        return [];
                    }
                }
                return values.Distinct().ToList();
            },
        };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue();
        return option;
    }

    /// <summary>A list of enum values ("dsp,ste").</summary>
    public static Option<List<T>> ChoiceList<T>(string name, string description, IReadOnlyList<T> defaultValue) where T : struct, Enum =>
        List(name, description, string.Join(",", EnumText.Names<T>()), s => EnumText.TryParse(s, out T v)
            ? v : throw new ArgumentException($"expected one of {string.Join(", ", EnumText.Names<T>())}"), () => defaultValue.ToList());

    /// <summary>An integer >= <paramref name="min"/>.</summary>
    public static int Integer(string text, int min) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min
            ? v : throw new ArgumentException($"expected an integer >= {min}");

    /// <summary>An integer option >= <paramref name="min"/>, with a default.</summary>
    public static Option<int> Integer(string name, string description, int min, int defaultValue) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => IntegerOf(r, name, min) ?? defaultValue,
    };

    /// <summary>An integer option >= <paramref name="min"/> that may be absent.</summary>
    public static Option<int?> OptionalInteger(string name, string description, int min) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = r => IntegerOf(r, name, min),
    };

    static int? IntegerOf(ArgumentResult r, string name, int min)
    {
        if (r.Tokens.Count == 0) return null;
        string text = r.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min) return v;
        r.AddError($"{name} '{text}': expected an integer >= {min}");
        return null;
    }

    /// <summary>--device: a backend; absent = NATIVEDSP_DEVICE, else auto.</summary>
    public static Option<DeviceChoice?> Device() =>
        OptionalChoice<DeviceChoice>("--device", "compute backend (default: $NATIVEDSP_DEVICE, else auto: CUDA, then OpenCL, then host)");

    /// <summary>
    /// Refuses an --out that is an existing file (before any work, so nothing is written). A missing folder is fine:
    /// it is created with the first file written there.
    /// </summary>
    /// <exception cref="UsageException">The path is a file.</exception>
    public static void RequireFolder(string path, string option = "--out")
    {
        if (File.Exists(path)) throw new UsageException($"{option} {path}: is a file; give a folder (created if missing)");
    }
}

/// <summary>An enum option and the value it has when absent.</summary>
public sealed record ChoiceOption<T>(Option<T?> Option, T Default) where T : struct, Enum
{
    /// <summary>The value given on the command line, else <see cref="Default"/>.</summary>
    public T Value(ParseResult parsed) => parsed.GetValue(Option) ?? Default;
}
