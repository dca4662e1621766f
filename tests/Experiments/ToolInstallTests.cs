using System.Diagnostics;
using NativeDsp.Tests.GpuKit;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// The <c>nativedsp</c> .NET tool from a locally packed nupkg (issue 19): <c>.ci/tool-install.sh</c> packs
/// experiments/ (PackAsTool) from the Release build the test run already made, installs the package into a
/// temporary tool path with <c>dotnet tool install --add-source</c>, and runs the installed tool from outside the
/// repository (--help, --version, <c>data stats nli</c> from the bundled data, one tiny MT run). Part of the test
/// suite so that the README's one test command (and CI, which runs exactly it) proves the install.
/// </summary>
public sealed class ToolInstallTests
{
    [ShellFact]
    public void ThePackedToolInstallsAndRunsOutsideTheRepository()
    {
        string root = RepositoryRoot.Find();
        var start = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root, ".ci", "tool-install.sh"));
        // Pack what this test run's build left in experiments/bin: rebuilding would race the running tests' files.
        start.Environment["NATIVEDSP_PACK_NO_BUILD"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        bool exited = process.WaitForExit(TimeSpan.FromMinutes(10));
        if (!exited) process.Kill(entireProcessTree: true);
        string output = stdout + stderr.Result;
        Assert.True(exited, $"tool-install.sh ran over 10 minutes:\n{output}");
        Assert.True(process.ExitCode == 0, $"tool-install.sh exited {process.ExitCode}:\n{output}");
        Assert.Contains(": OK", stdout);
    }
}
