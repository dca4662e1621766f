namespace NativeDsp.Kernels.Host;

/// <summary>
/// Splits a loop over items (rows, blocks, elements) into a few contiguous ranges run with Parallel.For,
/// but only when the work is large: most ops of a training step are tiny, and dispatching to the thread
/// pool costs microseconds, more than a small op itself.
/// </summary>
internal static class HostParallel
{
    /// <summary>Below this many elements of work an op runs on the calling thread.</summary>
    public const long MinParallelWork = 32 * 1024;

    /// <summary>How many ranges to cut <paramref name="count"/> items of <paramref name="workPerItem"/> elements into (1 = serial).</summary>
    public static int Chunks(int count, long workPerItem)
    {
        long total = count * Math.Max(1L, workPerItem);
        int workers = Environment.ProcessorCount;
        if (workers == 1 || count < 2 || total < MinParallelWork) return 1;
        // A few ranges per worker balance uneven cores without paying for many dispatches.
        long byWork = total / (MinParallelWork / 4);
        return (int)Math.Max(1, Math.Min(Math.Min(count, 4L * workers), byWork));
    }

    /// <summary>Start of range <paramref name="chunk"/> of <paramref name="chunks"/> over <paramref name="count"/> items.</summary>
    public static int Start(int chunk, int chunks, int count) => (int)((long)count * chunk / chunks);

    /// <summary>Runs body(start, end) over [0, count), in parallel ranges when the work is large.</summary>
    public static void For(int count, long workPerItem, Action<int, int> body)
    {
        int chunks = Chunks(count, workPerItem);
        if (chunks == 1) { body(0, count); return; }
        Parallel.For(0, chunks, c => body(Start(c, chunks, count), Start(c + 1, chunks, count)));
    }

    /// <summary>Like <see cref="For(int, long, Action{int, int})"/> with the range index, for ops that keep per-range partial sums.</summary>
    public static void For(int chunks, int count, Action<int, int, int> body)
    {
        if (chunks == 1) { body(0, 0, count); return; }
        Parallel.For(0, chunks, c => body(c, Start(c, chunks, count), Start(c + 1, chunks, count)));
    }
}
