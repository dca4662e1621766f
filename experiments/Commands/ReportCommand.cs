using System.CommandLine;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Experiments.Results;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp report results.csv [--out FILE]</c>: the paper's claims checked against a results.csv
/// (<see cref="ClaimsReport"/>), written as markdown (default: claims.md beside the CSV) and printed, after the
/// summary table of means and 95% confidence intervals.
/// </summary>
public static class ReportCommand
{
    /// <summary>The report's file name beside the CSV.</summary>
    public const string FileName = "claims.md";

    /// <summary>The <c>report</c> verb.</summary>
    public static Command Create()
    {
        var command = new Command("report", "check the paper's claims against a results.csv (95% t intervals over seeds, paired by seed) and write them as markdown");
        var csvArgument = new Argument<FileInfo>("RESULTS.csv") { Description = "a results.csv written by sweep, nli or mt" }.AcceptExistingOnly();
        var output = new Option<string?>("--out") { Description = $"the markdown file to write (default: {FileName} beside the CSV)", HelpName = "FILE" };
        command.Arguments.Add(csvArgument);
        command.Options.Add(output);
        command.SetAction(parsed =>
        {
            string csv = parsed.GetValue(csvArgument)!.FullName;
            string path = parsed.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(csv)!, FileName);
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && !Directory.Exists(folder)) throw new UsageException($"--out {path}: the folder {folder} does not exist");
            var rows = ResultsFile.Read(csv);
            if (rows.Count == 0) throw new ExpectedFailureException($"{csv}: has no rows to report on");
            string report = ClaimsReport.Format(rows, Path.GetFileName(Path.GetDirectoryName(csv)) + "/" + Path.GetFileName(csv));
            AtomicFile.WriteAllText(path, report);
            Console.WriteLine(SummaryTable.Format(rows));
            Console.WriteLine(report);
            Console.WriteLine($"report: {Path.GetFullPath(path)}");
            return 0;
        });
        return command;
    }
}
