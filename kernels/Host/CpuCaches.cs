namespace NativeDsp.Kernels.Host;

/// <summary>
/// Data-cache sizes of the CPU, read once at start-up, from which <see cref="GemmBlockSizes"/> derives the
/// GEMM block sizes. On Linux they come from /sys/devices/system/cpu/cpu0/cache/index*/ (level, type,
/// size; the L3 size there is the whole shared cache, divided here by the cores that share it); elsewhere,
/// or when that is unreadable, from conservative defaults of current x86 and ARM cores.
/// </summary>
/// <param name="L1Data">Level-1 data cache of one core, bytes.</param>
/// <param name="L2">Level-2 cache of one core, bytes.</param>
/// <param name="L3PerCore">The last-level cache divided by the cores that share it, bytes.</param>
/// <param name="Source">Where the sizes came from (the sysfs directory, or "defaults").</param>
public sealed record CpuCaches(int L1Data, int L2, int L3PerCore, string Source)
{
    /// <summary>Defaults when the sizes cannot be read: 32 KiB L1d, 512 KiB L2, 2 MiB of L3 per core.</summary>
    public static CpuCaches Fallback { get; } = new(32 << 10, 512 << 10, 2 << 20, "defaults");

    /// <summary>The caches of the machine running this process.</summary>
    public static CpuCaches Current { get; } = Read("/sys/devices/system/cpu/cpu0/cache");

    /// <summary>
    /// Reads a sysfs cache directory (one <c>index*</c> folder per cache); missing levels take the
    /// <see cref="Fallback"/> value. Never throws: an unreadable directory gives the fallback.
    /// </summary>
    public static CpuCaches Read(string directory)
    {
        try
        {
            if (!Directory.Exists(directory)) return Fallback;
            int l1 = 0, l2 = 0, l3 = 0, l3Sharers = 1;
            foreach (var index in Directory.GetDirectories(directory, "index*"))
            {
                string Field(string name) => File.ReadAllText(Path.Combine(index, name)).Trim();
                int level = int.Parse(Field("level"));
                string type = Field("type");
                if (type == "Instruction") continue;
                int size = ParseSize(Field("size"));
                if (level == 1) l1 = size;
                else if (level == 2) l2 = size;
                else if (level == 3)
                {
                    l3 = size;
                    var shared = Path.Combine(index, "shared_cpu_list");
                    if (File.Exists(shared)) l3Sharers = Math.Max(1, CountCpus(File.ReadAllText(shared).Trim()));
                }
            }
            if (l1 == 0 && l2 == 0) return Fallback;
            return new CpuCaches(l1 > 0 ? l1 : Fallback.L1Data, l2 > 0 ? l2 : Fallback.L2,
                                 l3 > 0 ? l3 / l3Sharers : Fallback.L3PerCore, directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return Fallback;
        }
    }

    /// <summary>"32K", "1024K", "32M" or a plain byte count, as sysfs writes them.</summary>
    static int ParseSize(string text)
    {
        long multiplier = text.EndsWith('K') ? 1 << 10 : text.EndsWith('M') ? 1 << 20 : text.EndsWith('G') ? 1 << 30 : 1;
        return (int)Math.Min(int.MaxValue, long.Parse(multiplier == 1 ? text : text[..^1]) * multiplier);
    }

    /// <summary>Counts the CPUs of a list like "0-3,8-11" or "0,2".</summary>
    static int CountCpus(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries).Sum(part =>
            part.Split('-') is [var lo, var hi] ? int.Parse(hi) - int.Parse(lo) + 1 : 1);
}
