using System.Diagnostics;
using System.Globalization;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Pruning;
using NativeDsp.Model.Pruning;
using NativeDsp.Tests.Experiments.Data;
using Xunit.Abstractions;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// kill -9 (SIGKILL: no handler, no flush) at random steps of the built <c>nativedsp</c> executable, run as a
/// child process with tiny settings, then the same command again: the final row (and the pruned model, bit for
/// bit) must be those of an uninterrupted run (Host backend). Timing columns (train_seconds, tokens/s) are
/// measurements and left out of the comparison.
/// </summary>
public sealed class KillResumeTests(ITestOutputHelper output) : IDisposable
{
    readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    static readonly string[] Tiny =
    [
        "--layers", "1", "--attn_heads", "2", "--d_model", "16", "--ffn", "16", "--dropout", "0.1",
        "--train_examples", "96", "--eval_examples", "32", "--batch", "8", "--device", "host",
    ];

    /// <summary>The columns compared: everything but the timings.</summary>
    static string Comparable(ResultRow r) => string.Join(",", r.Key, r.HeadsTotal, r.Metric, r.Value.ToString("R", CultureInfo.InvariantCulture),
                                                          r.Params, r.ParamsPruned, r.KeptPerModule, r.Device);

    [Fact]
    public void KilledSingleRunResumesToTheUninterruptedRow()
    {
        string data = TinyData.Nli(temp.File("data"));
        string[] command(string dir) =>
        [
            "nli", "--method", "dsp", "--setting", "joint", "--heads", "1", "--seed", "2", "--out", dir, "--data", data, "--checkpoint-every", "1",
            "--steps", "30", "--finetune_steps", "12", .. Tiny,
        ];
        string straight = temp.File("straight"), killed = temp.File("killed");
        var (code, log) = Run(command(straight));
        Assert.True(code == 0, log);

        // Kill once in each training phase (joint training = the "mask" phase, then fine-tuning), at a random step.
        int seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"random seed {seed}");
        string checkpoints = Path.Combine(killed, "runs", "nli_joint_dsp_1_0_2_quick", "checkpoints");
        bool anyKill = false;
        foreach (var (phase, steps) in new[] { ("mask", 30), ("finetune", 12) })
        {
            long target = random.Next(1, steps);
            bool wasKilled = KillAt(command(killed), Path.Combine(checkpoints, phase, "last.safetensors"), target, out string killedLog);
            output.WriteLine($"{phase}: kill at step >= {target}: {(wasKilled ? "killed" : "finished first")}");
            anyKill |= wasKilled;
            if (!wasKilled) Assert.Contains("results:", killedLog);
        }
        (code, log) = Run(command(killed));
        Assert.True(code == 0, log);
        if (anyKill) Assert.Contains("continuing from the checkpoints", log);

        var expected = ResultsFile.Read(Path.Combine(straight, ResultsFile.FileName)).Single();
        var actual = ResultsFile.Read(Path.Combine(killed, ResultsFile.FileName)).Single();
        Assert.Equal(Comparable(expected), Comparable(actual));
        AssertSameModel(Path.Combine(straight, "runs", "nli_joint_dsp_1_0_2_quick", PruningRun.PrunedModelFile),
                        Path.Combine(killed, "runs", "nli_joint_dsp_1_0_2_quick", PruningRun.PrunedModelFile));
        Assert.False(Directory.Exists(checkpoints), "the checkpoints of a finished run are removed");
        Assert.Empty(Directory.GetFiles(killed, "*.tmp*", SearchOption.AllDirectories));
    }

    [Fact]
    public void KilledSweepResumesToTheUninterruptedRows()
    {
        string data = TinyData.Nli(temp.File("data"));
        string[] command(string dir) =>
        [
            "sweep", "--task", "nli", "--out", dir, "--data", data, "--methods", "dsp,ste,none", "--heads", "1", "--seeds", "3",
            "--settings", "pipelined", "--steps", "20", "--finetune_steps", "6", "--mask_steps", "12", .. Tiny,
        ];
        string straight = temp.File("straight"), killed = temp.File("killed");
        var (code, log) = Run(command(straight));
        Assert.True(code == 0, log);

        int seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"random seed {seed}");
        // Kill after a random number of finished rows (0: while the seed's model trains) plus a random delay.
        int rows = random.Next(0, 3);
        int delayMs = random.Next(0, 400);
        bool wasKilled = KillWhen(command(killed), () => RowCount(Path.Combine(killed, ResultsFile.FileName)) >= rows, delayMs, out _);
        output.WriteLine($"kill after {rows} rows + {delayMs} ms: {(wasKilled ? "killed" : "finished first")}");
        (code, log) = Run(command(killed));
        Assert.True(code == 0, log);

        var expected = ResultsFile.Read(Path.Combine(straight, ResultsFile.FileName)).Select(Comparable).Order().ToList();
        var actual = ResultsFile.Read(Path.Combine(killed, ResultsFile.FileName)).Select(Comparable).Order().ToList();
        Assert.Equal(3, expected.Count);
        Assert.Equal(expected, actual);
        Assert.Empty(Directory.GetFiles(killed, "*.tmp*", SearchOption.AllDirectories));
    }

    static int RowCount(string csv)
    {
        try
        {
            return File.Exists(csv) ? File.ReadAllLines(csv).Length - 1 : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    static void AssertSameModel(string expectedPath, string actualPath)
    {
        var expected = SafetensorsFile.Read(expectedPath).Tensors;
        var actual = SafetensorsFile.Read(actualPath).Tensors;
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, t) in expected)
            Assert.True(t.ToFloat32().AsSpan().SequenceEqual(actual[name].ToFloat32()), $"tensor '{name}' differs between the uninterrupted and the killed-and-resumed run");
    }

    /// <summary>Starts the command and SIGKILLs it once its checkpoint <paramref name="checkpoint"/> has reached <paramref name="step"/>; false if it finished first.</summary>
    static bool KillAt(string[] args, string checkpoint, long step, out string log) =>
        KillWhen(args, () => CheckpointStep(checkpoint) >= step, 0, out log);

    static long CheckpointStep(string path)
    {
        try
        {
            return File.Exists(path) ? long.Parse(SafetensorsFile.Read(path).Metadata["step"], CultureInfo.InvariantCulture) : -1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1; // replaced while read: look again
        }
    }

    static bool KillWhen(string[] args, Func<bool> condition, int delayMs, out string log)
    {
        using var process = Start(args, out var buffer);
        var deadline = Stopwatch.StartNew();
        while (!process.HasExited && !condition() && deadline.Elapsed < TimeSpan.FromMinutes(5)) Thread.Sleep(10);
        if (delayMs > 0 && !process.HasExited) Thread.Sleep(delayMs);
        bool killed = false;
        if (!process.HasExited)
        {
            // Process.Kill on Linux sends SIGKILL: the same as kill -9.
            process.Kill(entireProcessTree: true);
            killed = true;
        }
        process.WaitForExit();
        log = buffer.ToString();
        return killed;
    }

    static (int Code, string Log) Run(string[] args)
    {
        using var process = Start(args, out var buffer);
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nativedsp {string.Join(' ', args)} ran past 5 minutes");
        }
        process.WaitForExit();
        return (process.ExitCode, buffer.ToString());
    }

    /// <summary>The experiments executable built next to the tests (the test project references it), run by the dotnet host.</summary>
    static Process Start(string[] args, out System.Text.StringBuilder buffer)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "nativedsp.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the test project (it references the experiments project)");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("NATIVEDSP_DEVICE");
        var text = new System.Text.StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        buffer = text;
        return process;
    }
}
