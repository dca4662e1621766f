using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using NativeDsp.GpuCheck;
using NativeDsp.Kernels;
using NativeDsp.Kernels.Host;

namespace NativeDsp.Tests.GpuKit;

/// <summary>
/// The dry run of the GPU check kit (bench/gpu, issue 18), so that the first GPU call is not the kit's first run:
/// the app's check and timing on ILGPU's CPU accelerator with the tiny shapes (in process), the shell logic of
/// run.sh with peers.py and the report (on Host, as a process), and the check's power to find a wrong kernel.
/// </summary>
public sealed class GpuKitDryRunTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("gpukit-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void CheckAndTimingRunOnTheIlgpuCpuAccelerator()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int check = GpuCheckApp.Run(["check", "--device", "ilgpu-cpu", "--tiny", "--out", dir], output, errors);
        Assert.True(check == 0, $"check exit {check}:\n{output}\n{errors}");
        Assert.Contains("all agree", File.ReadAllText(Path.Combine(dir, "check.md")));

        int time = GpuCheckApp.Run(["time", "--device", "ilgpu-cpu", "--tiny", "--out", dir], output, errors);
        Assert.True(time == 0, $"time exit {time}:\n{output}\n{errors}");
        var ours = TimingFile.Load(Path.Combine(dir, "ours.json"));
        Assert.True(ours.Tiny);
        // Every kind in the order peers.py and the table expect (GEMM, attention, soft top-K, Adam, step), and each
        // comparison row the ILGPU timing adds beside its default kernel.
        var kinds = ours.Cases.Select(c => c.Kind).ToList();
        Assert.Equal(["gemm", "attention", "softtopk", "adam", "bert_step"], kinds.Distinct());
        Assert.Equal(4, kinds.Zip(kinds.Skip(1)).Count(pair => pair.First != pair.Second)); // each kind's cases are consecutive
        foreach (var comparison in new[] { "(64x64 tiles)", "(128x128 tiles, scalar loads)", "(per-row kernels)", "(per-tensor launches)" })
            Assert.Single(ours.Cases, c => c.Key.EndsWith(comparison, StringComparison.Ordinal));
        Assert.All(ours.Cases, c => Assert.True(c.Milliseconds > 0 && c.Flops > 0 && c.Repeats >= 1, $"{c.Key}: {c.Milliseconds} ms, {c.Note}"));
        Assert.Contains("last loss", ours.Cases[^1].Note);

        int report = GpuCheckApp.Run(["report", "--out", dir], output, errors);
        Assert.Equal(0, report);
        string table = File.ReadAllText(Path.Combine(dir, "results.md"));
        Assert.Contains("peers.json is missing", table);
        Assert.All(ours.Cases, c => Assert.Contains($"| {c.Key} |", table));
        Assert.Equal(ours.Cases.Count + 1, File.ReadAllLines(Path.Combine(dir, "results.csv")).Length);
    }

    [ShellFact]
    public void RunScriptRunsEveryStepAndPrintsTheTableLast()
    {
        string root = RepositoryRoot.Find();
        string app = Path.Combine(AppContext.BaseDirectory, "NativeDsp.GpuCheck.dll");
        Assert.True(File.Exists(app), $"{app} is missing: the tests reference bench/gpu/NativeDsp.GpuCheck.csproj");
        // Host against Host: this checks the script's steps, return codes, peers.py and the report, not kernels
        // (the ILGPU dry run is the test above; a process of its own would compile every kernel again).
        var (code, stdout) = Shell(root, "bash", ["bench/gpu/run.sh", "--device", "host", "--tiny", "--app", $"dotnet {app}"]);
        Assert.True(code == 0, $"run.sh exit {code}:\n{stdout}");
        foreach (var step in new[] { "check", "time", "peers", "report" })
            Assert.Contains($"== {step}: exit 0", stdout);
        foreach (var file in new[] { "run.log", "check.md", "ours.json", "peers.json", "results.md", "results.csv" })
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} was not written");
        string table = File.ReadAllText(Path.Combine(dir, "results.md"));
        // The table is printed last: after its header comes the table as written, then only the closing line.
        string printed = stdout.Replace("\r", "");
        string tail = printed[printed.LastIndexOf("| case |", StringComparison.Ordinal)..].TrimEnd();
        Assert.Equal(table[table.IndexOf("| case |", StringComparison.Ordinal)..].TrimEnd() + "\nrun.sh: all steps passed", tail);

        using var peers = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "peers.json")));
        var cases = peers.RootElement.GetProperty("cases");
        Assert.Equal(TimingFile.Load(Path.Combine(dir, "ours.json")).Cases.Count, cases.GetArrayLength());
        // Here python3 has no torch: every peer is skipped, and the table says why.
        if (peers.RootElement.GetProperty("skipped").ValueKind == JsonValueKind.String)
            Assert.Contains("peer: skipped: torch", table);
    }

    [ShellFact]
    public void RunScriptStopsAfterAFailedCheck()
    {
        // An app whose check fails (exit 1): no timing step may run, and the exit code is the check's.
        string fake = Path.Combine(dir, "fake-app.sh");
        File.WriteAllText(fake, "#!/bin/sh\necho \"fake $1\"\n[ \"$1\" = check ] && exit 1\nexit 0\n");
        var (code, stdout) = Shell(RepositoryRoot.Find(), "bash", ["bench/gpu/run.sh", "--device", "host", "--app", $"sh {fake}"]);
        Assert.Equal(1, code);
        Assert.Contains("the kernel check failed", stdout);
        Assert.DoesNotContain("fake time", stdout);
    }

    [Fact]
    public void CheckFindsAWrongKernelAndAThrowingOne()
    {
        using var host = new HostKernels();
        using var inner = new HostKernels();
        var broken = Broken.Wrap(inner);
        var agree = new KernelAgreement(host, broken);
        new KernelCases(agree, host, tiny: true, seed: 3).RunAll();
        var failed = agree.Failures.Select(f => f.Op).Distinct().Order().ToArray();
        Assert.Equal(["LayerNormForward", "MatMul"], failed);
        Assert.Contains(agree.Failures, f => f.Op == "LayerNormForward" && f.Buffer == "exception");
        Assert.All(agree.Failures.Where(f => f.Op == "MatMul"), f => Assert.True(f.ErrorRatio > 1));
    }

    [Fact]
    public void UsageErrorsExitWithTwo()
    {
        var errors = new StringWriter();
        Assert.Equal(2, GpuCheckApp.Run(["bench"], TextWriter.Null, errors));
        Assert.Equal(2, GpuCheckApp.Run(["check", "--device", "tpu"], TextWriter.Null, errors));
        Assert.Equal(2, GpuCheckApp.Run(["time", "--seed"], TextWriter.Null, errors));
        Assert.Contains("usage:", errors.ToString());
        Assert.Equal(1, GpuCheckApp.Run(["report", "--out", dir], TextWriter.Null, errors)); // no ours.json yet
    }

    /// <summary>Host kernels with MatMul's alpha off by 1e-4 relative and a LayerNormForward that throws.</summary>
    public class Broken : DispatchProxy
    {
        IKernels inner = null!;

        public static IKernels Wrap(IKernels kernels)
        {
            var proxy = Create<IKernels, Broken>();
            ((Broken)(object)proxy).inner = kernels;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name == "MatMul") args![12] = (float)args[12]! * 1.0001f; // alpha
            if (method.Name == "LayerNormForward") throw new InvalidOperationException("planted failure");
            try
            {
                return method.Invoke(inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }

    (int Code, string Output) Shell(string workingDirectory, string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["OUT"] = dir;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}

/// <summary>A fact that needs bash, timeout and python3 on PATH (run.sh and peers.py); a visible skip without them.</summary>
public sealed class ShellFactAttribute : FactAttribute
{
    public ShellFactAttribute()
    {
        string[] missing = ["bash", "timeout", "python3"];
        missing = missing.Where(tool => !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
                                           .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, tool)))).ToArray();
        if (missing.Length > 0) Skip = $"{string.Join(", ", missing)} not on PATH: the GPU kit's run.sh needs them";
    }
}
