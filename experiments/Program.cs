using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using NativeDsp.Engine;
using NativeDsp.Experiments.Commands;

namespace NativeDsp.Experiments;

/// <summary>
/// The <c>nativedsp</c> command line (System.CommandLine): one verb per file in Commands/, generated
/// <c>--help</c> for every verb, and one place that turns failures into exit codes (<see cref="Report"/>).
/// </summary>
public static class Program
{
    /// <summary>
    /// Every verb. To add one: write Commands/&lt;Verb&gt;Command.cs with <c>public static Command Create()</c> (its
    /// options and <c>SetAction(parsed =&gt; ... return 0;)</c>; throw <see cref="UsageException"/> for a misuse the
    /// parser cannot see and an <see cref="ExpectedFailureException"/> subclass for bad input), then add one line
    /// here. Help, parse errors, --verbose and the exit codes come with it.
    /// </summary>
    static readonly Func<Command>[] Verbs =
    [
        SweepCommand.Create,
        NliCommand.Create,
        MtCommand.Create,
        ExportCommand.Create,
        PlotCommand.Create,
        ReportCommand.Create,
        TimeCommand.Create,
        DescribeCommand.Create,
        TopKCommand.Create,
        DeviceCommand.Create,
        DataCommand.Create,
        TokenizeCommand.Create,
        BleuCommand.Create,
        TrainDemoCommand.Create,
    ];

    /// <summary>Exit code of a usage error (a bad command line).</summary>
    public const int UsageExit = 2;

    /// <summary>Exit code of an expected failure (bad input, an unavailable device, a diverged run).</summary>
    public const int FailureExit = 1;

    /// <summary>
    /// Exit code of a bug (an exception nobody expected), printed with its stack trace. The project's rule is
    /// "2 for usage, 1 otherwise", so a bug shares 1 with expected failures; the stack trace tells them apart.
    /// </summary>
    public const int BugExit = 1;

    public static int Main(string[] args)
    {
        var verbose = new Option<bool>("--verbose")
        {
            Description = "show the stack trace of any failure, expected or not",
            Recursive = true,
        };
        // A named Command rather than RootCommand, whose name is the process's (testhost when run in-process).
        var root = new Command("nativedsp", "Differentiable Subset Pruning of Transformer attention heads, and its baselines");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Options.Add(verbose);
        foreach (var verb in Verbs) root.Subcommands.Add(verb());

        var parsed = root.Parse(args);
        string name = CommandPath(parsed.CommandResult);
        if (parsed.Action is ParseErrorAction)
        {
            // An unknown verb is reported as such, not also as "no command given".
            string problems = parsed.CommandResult.Parent is null && parsed.UnmatchedTokens.Count > 0
                ? $"unknown command '{parsed.UnmatchedTokens[0]}'"
                : string.Join("; ", parsed.Errors.Select(e => e.Message.TrimEnd('.')).Distinct());
            Console.Error.WriteLine($"{name}: {problems} (see '{name} --help')");
            return UsageExit;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = Console.Out, Error = Console.Error });
        }
        catch (Exception e)
        {
            return Report(name, e, parsed.GetValue(verbose));
        }
    }

    /// <summary>
    /// Prints a failure as one line <c>nativedsp VERB: message</c> on stderr and returns its exit code: usage errors
    /// 2 (with a pointer to --help), expected failures 1, anything else is a bug: its stack trace and 1.
    /// <paramref name="verbose"/> adds the stack trace to the first two.
    /// </summary>
    static int Report(string verb, Exception e, bool verbose)
    {
        int code;
        switch (e)
        {
            case UsageException:
                Console.Error.WriteLine($"{verb}: {e.Message} (see '{verb} --help')");
                code = UsageExit;
                break;
            // Failures of the input or the environment: a damaged or missing file, bad data, no permission, an
            // unavailable device, a run that diverged. SafetensorsFormatException is an IOException.
            case ExpectedFailureException or IOException or UnauthorizedAccessException or InvalidDataException:
                Console.Error.WriteLine($"{verb}: {e.Message}");
                code = FailureExit;
                break;
            default:
                Console.Error.WriteLine($"{verb}: internal error (a bug; please report it with this trace): {e}");
                return BugExit;
        }
        if (verbose) Console.Error.WriteLine(e.ToString());
        return code;
    }

    /// <summary>"nativedsp data build" for the innermost command parsed.</summary>
    static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Add(c.Command.Name);
        names.Reverse();
        return string.Join(" ", names);
    }
}
