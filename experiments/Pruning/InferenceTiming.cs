using System.Diagnostics;
using System.Globalization;

namespace NativeDsp.Experiments.Pruning;

/// <summary>
/// One benchmark-grade timing of a model's forward pass: the median of <see cref="Repetitions"/> timed passes of one
/// fixed batch after <see cref="WarmUp"/> untimed ones, with what the machine was doing.
/// </summary>
/// <param name="MedianMilliseconds">The median wall time of one forward pass of the batch, ms.</param>
/// <param name="Batch">Examples in the fixed batch.</param>
/// <param name="Threads">Threads the host kernels split work over (<see cref="Environment.ProcessorCount"/>; set DOTNET_PROCESSOR_COUNT=1 for one).</param>
/// <param name="WarmUp">Untimed passes asked for first (JIT, caches, allocator); at least <see cref="InferenceTiming.MinWarmUp"/> of passes run.</param>
/// <param name="Repetitions">Timed passes.</param>
/// <param name="LoadAverage">The 1-minute load average before timing (/proc/loadavg), null where the system has none.</param>
public sealed record TimingMeasurement(double MedianMilliseconds, int Batch, int Threads, int WarmUp, int Repetitions, double? LoadAverage)
{
    /// <summary>
    /// Whether the machine was quiet: the 1-minute load average before timing was below <see cref="QuietLoad"/>.
    /// A load average decays over about a minute, so timing right after training in the same process is never
    /// called quiet; <c>nativedsp time</c> re-times saved shapes later.
    /// </summary>
    public bool Quiet => LoadAverage is double load && load < QuietLoad;

    /// <summary>The load average below which a machine counts as quiet (half a core busy on average).</summary>
    public const double QuietLoad = 0.5;
}

/// <summary>
/// Times forward passes the way a benchmark does: warm-up passes first, then several timed repetitions of the
/// same fixed batch, reporting the median (robust to a stray slow pass), with a full GC before timing so that
/// collection of the run's garbage does not land inside a pass.
/// </summary>
public static class InferenceTiming
{
    /// <summary>Default untimed passes.</summary>
    public const int DefaultWarmUp = 3;

    /// <summary>The least warm-up time, whatever the pass count (tiered JIT; see <see cref="Measure"/>).</summary>
    public static readonly TimeSpan MinWarmUp = TimeSpan.FromSeconds(1.5);

    /// <summary>The most warm-up passes the time rule adds (a tiny model's passes take microseconds).</summary>
    public const int MaxWarmUpPasses = 2000;

    /// <summary>Default timed passes.</summary>
    public const int DefaultRepetitions = 10;

    /// <summary>Default examples in the fixed batch.</summary>
    public const int DefaultBatch = 32;

    /// <summary>Times <paramref name="forward"/> (one pass of a batch of <paramref name="batch"/> examples; it synchronises the device itself).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one repetition, or a negative warm-up.</exception>
    /// <param name="forward">One pass.</param>
    /// <param name="batch">Examples in the pass (recorded).</param>
    /// <param name="warmUp">Untimed passes at least.</param>
    /// <param name="repetitions">Timed passes.</param>
    /// <param name="minWarmUp">Warm-up time at least (default <see cref="MinWarmUp"/>; tests pass zero).</param>
    public static TimingMeasurement Measure(Action forward, int batch, int warmUp = DefaultWarmUp, int repetitions = DefaultRepetitions, TimeSpan? minWarmUp = null)
    {
        if (repetitions < 1) throw new ArgumentOutOfRangeException(nameof(repetitions), repetitions, "timing: at least one repetition");
        if (warmUp < 0) throw new ArgumentOutOfRangeException(nameof(warmUp), warmUp, "timing: warm-up passes cannot be negative");
        double? load = LoadAverage();
        // At least warmUp passes and at least MinWarmUp of them: .NET's tiered JIT runs a method's first ~30 calls
        // as unoptimised tier-0 code and recompiles it in the background after ~100 ms, so three passes of a small
        // model were still timing tier-0 code (the first row re-timed by `nativedsp time` read 5-9x slower than
        // the same model's later rows).
        long warmStart = Stopwatch.GetTimestamp();
        for (int i = 0; (i < warmUp || Stopwatch.GetElapsedTime(warmStart) < (minWarmUp ?? MinWarmUp)) && i < MaxWarmUpPasses; i++) forward();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var times = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            forward();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return new TimingMeasurement(Median(times), batch, Environment.ProcessorCount, warmUp, repetitions, load);
    }

    /// <summary>The median (mean of the middle two for an even count).</summary>
    /// <exception cref="ArgumentException">No values.</exception>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("median of no values", nameof(values));
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /// <summary>The 1-minute load average from /proc/loadavg, or null where it cannot be read (not Linux).</summary>
    public static double? LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.TryParse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double load) ? load : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
