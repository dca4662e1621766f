namespace NativeDsp.Experiments.Commands;

/// <summary>
/// "--name value" options and positional arguments of one command line, for the data and metric
/// commands. Every option must be known to the command (a typo is a usage error, not silently ignored).
/// </summary>
public sealed class CommandOptions
{
    readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    readonly HashSet<string> flags = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static CommandOptions Parse(string[] args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flagOptions, string usage)
    {
        var o = new CommandOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a == "--")
            {
                o.Positional.Add(a);
                continue;
            }
            string name = a, value = "";
            int eq = a.IndexOf('=');
            if (eq > 0) (name, value) = (a[..eq], a[(eq + 1)..]);
            if (flagOptions.Contains(name))
            {
                o.flags.Add(name);
                continue;
            }
            if (!valueOptions.Contains(name)) throw new UsageException($"unknown option {name}", usage);
            if (eq < 0)
            {
                if (i + 1 >= args.Length) throw new UsageException($"{name} needs a value", usage);
                value = args[++i];
            }
            o.values[name] = value;
        }
        return o;
    }

    public string? Get(string name) => values.GetValueOrDefault(name);
    public bool Has(string flag) => flags.Contains(flag);

    public int GetInt(string name, int fallback, string usage)
    {
        string? v = Get(name);
        if (v is null) return fallback;
        if (!int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int n) || n <= 0)
            throw new UsageException($"{name} must be a positive integer, got '{v}'", usage);
        return n;
    }
}
