using NativeDsp.Experiments;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// Runs <see cref="Program.Main"/> in-process with Console.Out and Console.Error captured. The console is
/// process-wide, so every test class that uses this belongs to <see cref="ExperimentCommandTests.CliCollection"/>.
/// </summary>
static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            return (Program.Main(args), o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    /// <summary>Asserts the exit code and one line on stderr, "nativedsp VERB: ...", without a stack trace; returns that line.</summary>
    public static string AssertFails(int expectedCode, params string[] args)
    {
        var (code, _, err) = Run(args);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(expectedCode == code, $"exit {code}, expected {expectedCode}; stderr: {err}");
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}: {err}");
        Assert.StartsWith("nativedsp", lines[0]);
        Assert.DoesNotContain(err.Split('\n'), l => l.StartsWith("   at ", StringComparison.Ordinal));
        return lines[0];
    }
}
