using System.Globalization;
using System.Text;
using NativeDsp.Kernels;
using NativeDsp.Kernels.Host;

namespace NativeDsp.GpuCheck;

/// <summary>
/// The GPU check of issue 18 (run by bench/gpu/run.sh on the GPU machine, dry-run by the tests on ILGPU's CPU
/// accelerator):
/// <code>
///   NativeDsp.GpuCheck check  [--device D] [--tiny] [--out DIR] [--seed N]   every kernel vs Host; exit 1 on any disagreement
///   NativeDsp.GpuCheck time   [--device D] [--tiny] [--out DIR]              timings -> DIR/ours.json; exit 1 if a case failed
///   NativeDsp.GpuCheck report [--out DIR]                                     ours.json + peers.json -> results.md, results.csv
/// </code>
/// D is a <see cref="DeviceSelection"/> choice (default cuda). Exit codes: 0 success, 1 a failed check or case,
/// 2 usage; expected failures print one line on stderr, no stack trace.
/// </summary>
public static class GpuCheckApp
{
    /// <summary>Process entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs one command with its output on <paramref name="stdout"/> and <paramref name="stderr"/> (callable in-process).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        GpuCheckOptions options;
        try
        {
            options = GpuCheckOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"gpucheck: {e.Message}");
            stderr.WriteLine(GpuCheckOptions.Usage);
            return 2;
        }
        try
        {
            Directory.CreateDirectory(options.Out);
            return options.Command switch
            {
                "check" => Check(options, stdout),
                "time" => Time(options, stdout),
                _ => Report(options, stdout, stderr),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or InvalidDataException or System.Text.Json.JsonException)
        {
            stderr.WriteLine($"gpucheck {options.Command}: {e.Message}");
            return 1;
        }
    }

    static int Check(GpuCheckOptions options, TextWriter stdout)
    {
        var selected = DeviceSelection.Select(options.Device, null);
        using var kernels = selected.Kernels;
        using var host = new HostKernels();
        stdout.WriteLine($"check: {selected.Reason}");
        var agree = new KernelAgreement(host, kernels);
        var started = DateTime.UtcNow;
        new KernelCases(agree, host, options.Tiny, options.Seed).RunAll();
        double seconds = (DateTime.UtcNow - started).TotalSeconds;

        var md = new StringBuilder();
        md.AppendLine($"# Kernel agreement: {selected.Kernels.Description} vs host");
        md.AppendLine();
        md.AppendLine($"{agree.Cases} cases over {agree.Ops.Count} ops, seed {options.Seed}, {(options.Tiny ? "tiny" : "full")} shapes, {seconds:F1} s: " +
                      (agree.Failures.Count == 0 ? "all agree." : $"{agree.Failures.Count} FAILED."));
        var csv = new StringBuilder("op,shape,buffer,error_ratio,detail\n");
        if (agree.Failures.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("| op | shape | buffer | error / allowed | worst element |");
            md.AppendLine("| --- | --- | --- | --- | --- |");
            foreach (var f in agree.Failures)
            {
                md.AppendLine($"| {f.Op} | {f.Shape} | {f.Buffer} | {f.ErrorRatio:G3} | {f.Detail.Replace("|", "/")} |");
                csv.AppendLine(string.Join(",", new[] { f.Op, f.Shape, f.Buffer, f.ErrorRatio.ToString("G6", CultureInfo.InvariantCulture), f.Detail }.Select(Csv)));
            }
        }
        md.AppendLine();
        md.AppendLine($"Ops: {string.Join(", ", agree.Ops)}");
        Engine.Checkpoints.AtomicFile.WriteAllText(Path.Combine(options.Out, "check.md"), md.ToString());
        Engine.Checkpoints.AtomicFile.WriteAllText(Path.Combine(options.Out, "check_failures.csv"), csv.ToString());
        stdout.Write(md.ToString());
        return agree.Failures.Count == 0 ? 0 : 1;
    }

    static int Time(GpuCheckOptions options, TextWriter stdout)
    {
        var selected = DeviceSelection.Select(options.Device, null);
        using var kernels = selected.Kernels;
        stdout.WriteLine($"time: {selected.Reason}");
        var plan = new CheckPlan(options.Tiny);
        string path = Path.Combine(options.Out, "ours.json");
        // Saved (atomically) after every case and once at the end: a run cut off by run.sh's limit keeps its finished rows.
        var cases = new Benchmarks(kernels, plan, stdout) { Progress = done => new TimingFile(selected.Reason, options.Tiny, done.ToList()).Save(path) }.RunAll();
        new TimingFile(selected.Reason, options.Tiny, cases).Save(path);
        int failed = cases.Count(c => c.Milliseconds is null);
        stdout.WriteLine($"time: {cases.Count - failed} of {cases.Count} cases timed -> {Path.Combine(options.Out, "ours.json")}");
        return failed == 0 ? 0 : 1;
    }

    static int Report(GpuCheckOptions options, TextWriter stdout, TextWriter stderr)
    {
        string oursPath = Path.Combine(options.Out, "ours.json"), peersPath = Path.Combine(options.Out, "peers.json");
        if (!File.Exists(oursPath)) throw new InvalidOperationException($"{oursPath} is missing: run 'time' first");
        var ours = TimingFile.Load(oursPath);
        PeerFile? peers = File.Exists(peersPath) ? PeerFile.Load(peersPath) : null;
        var (markdown, csv) = ResultsTable.Build(ours, peers, peers is null ? $"{peersPath} is missing (peers.py did not run)" : null);
        Engine.Checkpoints.AtomicFile.WriteAllText(Path.Combine(options.Out, "results.md"), markdown);
        Engine.Checkpoints.AtomicFile.WriteAllText(Path.Combine(options.Out, "results.csv"), csv);
        stdout.Write(markdown);
        return 0;
    }

    /// <summary>A CSV field, quoted when it holds a comma, quote or newline (RFC 4180).</summary>
    public static string Csv(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}

/// <summary>The parsed command line of <see cref="GpuCheckApp"/>.</summary>
/// <param name="Command">check, time or report.</param>
/// <param name="Device">A <see cref="DeviceSelection.Choices"/> value (default cuda).</param>
/// <param name="Tiny">The dry run's small shapes.</param>
/// <param name="Out">Folder for check.md, ours.json, results.md (default: $OUT, else ./gpucheck-out).</param>
/// <param name="Seed">Seed of the check's random inputs.</param>
public sealed record GpuCheckOptions(string Command, string Device, bool Tiny, string Out, int Seed)
{
    /// <summary>One usage line.</summary>
    public const string Usage = "usage: NativeDsp.GpuCheck check|time|report [--device cuda|opencl|ilgpu-cpu|host] [--tiny] [--out DIR] [--seed N]";

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">An unknown command, option or value.</exception>
    public static GpuCheckOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("check" or "time" or "report"))
            throw new ArgumentException(args.Length == 0 ? "no command given" : $"unknown command '{args[0]}'");
        string device = "cuda", output = Environment.GetEnvironmentVariable("OUT") is { Length: > 0 } o ? o : "gpucheck-out";
        bool tiny = false;
        int seed = 1;
        for (int i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--device":
                    device = Value();
                    if (!DeviceSelection.Choices.Contains(device)) throw new ArgumentException($"--device {device}: expected one of {string.Join(", ", DeviceSelection.Choices)}");
                    break;
                case "--tiny": tiny = true; break;
                case "--out": output = Value(); break;
                case "--seed":
                    string s = Value();
                    if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed)) throw new ArgumentException($"--seed {s}: not an integer");
                    break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        return new GpuCheckOptions(args[0], device, tiny, output, seed);
    }
}
