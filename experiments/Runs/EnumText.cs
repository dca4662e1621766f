namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The text of an enum value as the command line and results.csv spell it: lower case, words joined by '-'
/// (<c>PruningMethod.Dsp</c> is "dsp", <c>DeviceChoice.IlgpuCpu</c> is "ilgpu-cpu"). One spelling for
/// parsing and printing, so a value written to a file reads back as the same value.
/// </summary>
public static class EnumText
{
    /// <summary>"dsp", "pipelined", "ilgpu-cpu".</summary>
    public static string Of<T>(T value) where T : struct, Enum => Kebab(value.ToString());

    /// <summary>Every value's text, in declaration order.</summary>
    public static IReadOnlyList<string> Names<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Of).ToArray();

    /// <summary>The value whose text is <paramref name="text"/> (case-insensitive; '_' accepted for '-').</summary>
    public static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        string wanted = text.Trim().Replace('_', '-').ToLowerInvariant();
        foreach (var v in Enum.GetValues<T>())
            if (Of(v) == wanted)
            {
                value = v;
                return true;
            }
        value = default;
        return false;
    }

    /// <summary>The value named <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException">No value has that text; the message lists the names.</exception>
    public static T Parse<T>(string text) where T : struct, Enum => TryParse(text, out T v)
        ? v
        : throw new ArgumentException($"'{text}' is not one of {string.Join(", ", Names<T>())}");

    static string Kebab(string name)
    {
        var chars = new List<char>(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) chars.Add('-');
            chars.Add(char.ToLowerInvariant(name[i]));
        }
        return new string(chars.ToArray());
    }
}
