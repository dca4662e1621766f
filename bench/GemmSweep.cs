using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NativeDsp.Kernels;
using NativeDsp.Kernels.Host;

namespace NativeDsp.Bench;

/// <summary>
/// GEMM at every vector width the CPU runs, in alternated rounds (each round times every shape at every
/// width, so a change of machine load hits all of them alike), with the same-round FMA peak per width:
/// square products and the products of the small models' training steps (forward NN, input gradient NT,
/// weight gradient TN with k = tokens). Prints a markdown table of medians.
/// Run: <c>dotnet run -c Release --project bench -- gemm [rounds] [widths, e.g. 128,256]</c>.
/// </summary>
public static class GemmSweep
{
    /// <summary>A product: name, m, n, k, transposes.</summary>
    public sealed record Shape(string Name, int M, int N, int K, bool TransA = false, bool TransB = false)
    {
        /// <summary>Floating-point operations of one product.</summary>
        public double Flops => 2.0 * M * N * K;
    }

    /// <summary>The shapes of issue 15: square sizes and those of the classifier (d 256) and MiniLM (d 384) steps.</summary>
    public static readonly Shape[] Shapes =
    [
        new("square 512", 512, 512, 512), new("square 1024", 1024, 1024, 1024), new("square 2048", 2048, 2048, 2048),
        new("d256 QKV fwd 2048x768x256", 2048, 768, 256), new("d256 FFN up 2048x1024x256", 2048, 1024, 256),
        new("d256 FFN down 2048x256x1024", 2048, 256, 1024), new("d256 dX NT 2048x256x1024", 2048, 256, 1024, false, true),
        new("d256 dW TN 256x1024x2048", 256, 1024, 2048, true, false),
        new("d384 FFN up 1024x1536x384", 1024, 1536, 384), new("d384 dW TN 384x1536x1024", 384, 1536, 1024, true, false),
        new("d64 skinny 2048x64x64", 2048, 64, 64),
    ];

    public static void Run(string[] args)
    {
        int rounds = args.Length > 1 && int.TryParse(args[1], out int r) ? r : 5;
        var widths = args.Length > 2
            ? args[2].Split(',').Select(w => (VectorWidth)int.Parse(w)).Where(VectorWidths.Supported.Contains).ToArray()
            : VectorWidths.Supported.ToArray();
        Console.WriteLine($"CPU: {VectorWidths.Describe()}; {Environment.ProcessorCount} threads; caches {CpuCaches.Current}");
        foreach (var w in widths) Console.WriteLine($"  {GemmBlockSizes.For(w)}");

        var kernels = widths.ToDictionary(w => w, w => new HostKernels(w));
        var times = new Dictionary<(string, VectorWidth), List<double>>();
        var peaks = widths.ToDictionary(w => w, _ => new List<double>());
        var operands = Shapes.ToDictionary(s => s, s => (A: Random(s.M * s.K, 1), B: Random(s.K * s.N, 2)));
        for (int round = 0; round < rounds; round++)
        {
            foreach (var w in widths) peaks[w].Add(PeakGflops(w));
            foreach (var shape in Shapes)
                foreach (var w in widths)
                {
                    var k = kernels[w];
                    using var a = k.Allocate(shape.M * shape.K);
                    using var b = k.Allocate(shape.K * shape.N);
                    using var c = k.Allocate(shape.M * shape.N);
                    a.CopyFrom(operands[shape].A);
                    b.CopyFrom(operands[shape].B);
                    double ms = TimeMs(() => k.MatMul(a, b, c, 1, shape.M, shape.N, shape.K, shape.TransA, shape.TransB, 0, 0, 0), shape.Flops);
                    (times.TryGetValue((shape.Name, w), out var list) ? list : times[(shape.Name, w)] = []).Add(ms);
                }
        }
        Console.WriteLine();
        Console.WriteLine($"| product | {string.Join(" | ", widths.Select(w => $"{(int)w}-bit ms | GFLOP/s | % peak"))} |");
        Console.WriteLine($"|---|{string.Concat(widths.Select(_ => "---:|---:|---:|"))}");
        foreach (var shape in Shapes)
        {
            var cells = widths.Select(w =>
            {
                double ms = Median(times[(shape.Name, w)]);
                double gflops = shape.Flops / ms / 1e6;
                return $"{ms:F3} | {gflops:F1} | {100 * gflops / Median(peaks[w]):F0}";
            });
            Console.WriteLine($"| {shape.Name} | {string.Join(" | ", cells)} |");
        }
        Console.WriteLine($"| FMA peak (GFLOP/s) | {string.Join(" | ", widths.Select(w => $" | {Median(peaks[w]):F1} | "))} |");
        Console.WriteLine($"({rounds} alternated rounds, medians; each round's time is the best of repeated calls over ~0.2 s)");
        // Machine-readable lines for bench/run-cpu.sh: RESULT <tab> name <tab> value.
        foreach (var shape in Shapes)
            foreach (var w in widths)
                Console.WriteLine($"RESULT\tgemm:{shape.Name}@{(int)w}\t{Median(times[(shape.Name, w)]):F4}");
        foreach (var w in widths) Console.WriteLine($"RESULT\tpeak-gflops@{(int)w}\t{Median(peaks[w]):F2}");
    }

    static float[] Random(int count, int seed)
    {
        var rng = new System.Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = rng.NextSingle() * 2 - 1;
        return values;
    }

    /// <summary>
    /// With NATIVEDSP_BENCH_THREAD_CPU=1 (and DOTNET_PROCESSOR_COUNT=1, so that every kernel runs on the
    /// calling thread), times are the calling thread's CPU time instead of wall time: on a machine shared
    /// with other work this discounts the time spent waiting for a core (for rough A/B choices only).
    /// </summary>
    static readonly bool ThreadCpuTime = Environment.GetEnvironmentVariable("NATIVEDSP_BENCH_THREAD_CPU") == "1";

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out TimeSpec time);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds, Nanoseconds; }

    static double NowMs()
    {
        if (!ThreadCpuTime) return Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;
        ClockGetTime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var ts);
        return ts.Seconds * 1e3 + ts.Nanoseconds / 1e6;
    }

    /// <summary>Best time of repeated calls within ~0.2 s (at least 3), after one warm-up call.</summary>
    public static double TimeMs(Action op, double flops)
    {
        op();
        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < 3 || total.ElapsedMilliseconds < 200; i++)
        {
            double t = NowMs();
            op();
            best = Math.Min(best, NowMs() - t);
            if (i > 1000) break;
        }
        return best;
    }

    public static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>FMA peak at <paramref name="width"/> on every core: 12 independent chains per thread, no memory traffic.</summary>
    public static double PeakGflops(VectorWidth width)
    {
        int threads = Environment.ProcessorCount;
        const long iterations = 4_000_000;
        int lanes = (int)width / 32;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Chains(width, 10_000));
        if (threads == 1)
        {
            double ms = TimeMs(() => Chains(width, iterations / 8), 0);
            return iterations / 8 * 12.0 * lanes * 2 / ms / 1e6;
        }
        var sw = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Chains(width, iterations));
        return threads * iterations * 12.0 * lanes * 2 / sw.Elapsed.TotalSeconds / 1e9;
    }

    static float Chains(VectorWidth width, long n) => width switch
    {
        VectorWidth.Bits512 => Chains512(n),
        VectorWidth.Bits256 => Chains256(n),
        _ => Chains128(n),
    };

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float Chains512(long n)
    {
        var x = Vector512.Create(0.999999f); var y = Vector512.Create(1e-7f);
        Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y); a2 = Vector512.FusedMultiplyAdd(a2, x, y);
            a3 = Vector512.FusedMultiplyAdd(a3, x, y); a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y); a8 = Vector512.FusedMultiplyAdd(a8, x, y);
            a9 = Vector512.FusedMultiplyAdd(a9, x, y); a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float Chains256(long n)
    {
        var x = Vector256.Create(0.999999f); var y = Vector256.Create(1e-7f);
        Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y); a2 = Vector256.FusedMultiplyAdd(a2, x, y);
            a3 = Vector256.FusedMultiplyAdd(a3, x, y); a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y); a8 = Vector256.FusedMultiplyAdd(a8, x, y);
            a9 = Vector256.FusedMultiplyAdd(a9, x, y); a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float Chains128(long n)
    {
        var x = Vector128.Create(0.999999f); var y = Vector128.Create(1e-7f);
        Vector128<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector128.MultiplyAddEstimate(a0, x, y); a1 = Vector128.MultiplyAddEstimate(a1, x, y); a2 = Vector128.MultiplyAddEstimate(a2, x, y);
            a3 = Vector128.MultiplyAddEstimate(a3, x, y); a4 = Vector128.MultiplyAddEstimate(a4, x, y); a5 = Vector128.MultiplyAddEstimate(a5, x, y);
            a6 = Vector128.MultiplyAddEstimate(a6, x, y); a7 = Vector128.MultiplyAddEstimate(a7, x, y); a8 = Vector128.MultiplyAddEstimate(a8, x, y);
            a9 = Vector128.MultiplyAddEstimate(a9, x, y); a10 = Vector128.MultiplyAddEstimate(a10, x, y); a11 = Vector128.MultiplyAddEstimate(a11, x, y);
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
