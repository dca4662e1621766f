using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Sword;

/// <summary>A module's configuration (<c>mods.d/NAME.conf</c>): the keys this reader depends on.</summary>
public sealed record SwordModuleInfo(
    string Name, string DataDirectory, string Driver, string SourceType, string CompressType,
    string Versification, string Encoding, string Version, string License, string ConfFile);

/// <summary>
/// Finds installed SWORD modules: a library root holds <c>mods.d/*.conf</c>, each naming its module in
/// <c>[brackets]</c> and its files by <c>DataPath</c> relative to the root. Debian installs into
/// <c>/usr/share/sword</c>; a user's own modules live in <c>~/.sword</c>.
/// </summary>
public static class SwordLibrary
{
    public static IReadOnlyList<string> DefaultRoots() =>
    [
        "/usr/share/sword",
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".sword"),
    ];

    /// <summary>All modules described under the given roots (roots that do not exist are passed over).</summary>
    public static List<SwordModuleInfo> List(IEnumerable<string> roots)
    {
        var found = new List<SwordModuleInfo>();
        foreach (string root in roots)
        {
            string modsDir = Path.Combine(root, "mods.d");
            if (!Directory.Exists(modsDir)) continue;
            foreach (string conf in Directory.GetFiles(modsDir, "*.conf").Order(StringComparer.Ordinal))
                if (ParseConf(root, conf) is { } info) found.Add(info);
        }
        return found;
    }

    /// <summary>
    /// The first module whose name is one of <paramref name="names"/> (case-insensitive), checked to be a
    /// zlib-compressed zText module in UTF-8 with the KJV versification; otherwise one message that says
    /// which package provides it.
    /// </summary>
    public static SwordModuleInfo Find(IReadOnlyList<string> roots, IReadOnlyList<string> names, string installHint)
    {
        var all = List(roots);
        var info = names.Select(n => all.FirstOrDefault(m => string.Equals(m.Name, n, StringComparison.OrdinalIgnoreCase)))
                        .FirstOrDefault(m => m is not null)
            ?? throw new DataInputException(
                $"SWORD module {string.Join(" or ", names)} not found under {string.Join(", ", roots)}; install it with: {installHint} (or pass --sword DIR, the folder that holds mods.d/)");
        string Bad(string what) => $"{info.ConfFile}: {what}; this reader supports zText modules (ModDrv=zText, CompressType=ZIP, Encoding=UTF-8, Versification=KJV)";
        if (!info.Driver.Equals("zText", StringComparison.OrdinalIgnoreCase)) throw new DataInputException(Bad($"ModDrv={info.Driver}"));
        if (!info.CompressType.Equals("ZIP", StringComparison.OrdinalIgnoreCase)) throw new DataInputException(Bad($"CompressType={info.CompressType}"));
        if (!info.Encoding.Equals("UTF-8", StringComparison.OrdinalIgnoreCase)) throw new DataInputException(Bad($"Encoding={info.Encoding}"));
        if (!info.Versification.Equals("KJV", StringComparison.OrdinalIgnoreCase)) throw new DataInputException(Bad($"Versification={info.Versification}"));
        TextFiles.RequireDirectory(info.DataDirectory, $"data directory of SWORD module {info.Name}");
        return info;
    }

    static SwordModuleInfo? ParseConf(string root, string conf)
    {
        string? name = null;
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string raw in File.ReadLines(conf))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line[0] == '[' && line[^1] == ']')
            {
                name ??= line[1..^1];
                continue;
            }
            int eq = line.IndexOf('=');
            if (eq > 0) keys.TryAdd(line[..eq].Trim(), line[(eq + 1)..].Trim());
        }
        if (name is null || !keys.TryGetValue("DataPath", out var dataPath)) return null;
        string Get(string key, string fallback) => keys.TryGetValue(key, out var v) ? v : fallback;
        return new SwordModuleInfo(
            name,
            Path.GetFullPath(Path.Combine(root, dataPath)),
            Get("ModDrv", ""),
            Get("SourceType", "Plaintext"),
            Get("CompressType", "LZSS"), // SWORD's default when the key is absent
            Get("Versification", "KJV"),
            Get("Encoding", "Latin-1"),
            Get("Version", "unknown"),
            Get("DistributionLicense", "unknown"),
            conf);
    }
}
