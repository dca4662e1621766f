using System.CommandLine;
using NativeDsp.Engine;
using NativeDsp.Experiments.Plots;
using NativeDsp.Experiments.Results;

namespace NativeDsp.Experiments.Commands;

/// <summary><c>nativedsp plot results.csv [--out DIR]</c>: redraws quality_vs_heads.png and kept_heads_by_layer.png and prints the table.</summary>
public static class PlotCommand
{
    public static Command Create()
    {
        var command = new Command("plot", "redraw the plots and the summary table of a results.csv");
        var csvArgument = new Argument<FileInfo>("RESULTS.csv") { Description = "a results.csv written by sweep, nli or mt" }.AcceptExistingOnly();
        var output = new Option<string?>("--out") { Description = "where to write the plots (default: the CSV's folder)", HelpName = "DIR" };
        command.Arguments.Add(csvArgument);
        command.Options.Add(output);
        command.SetAction(parsed =>
        {
            string csv = parsed.GetValue(csvArgument)!.FullName;
            string dir = parsed.GetValue(output) ?? Path.GetDirectoryName(csv)!;
            CliOptions.RequireFolder(dir);
            var rows = ResultsFile.Read(csv);
            if (rows.Count == 0) throw new ExpectedFailureException($"{csv}: has no rows to plot");
            var plots = SweepCommand.DrawPlots(rows, dir);
            Console.WriteLine(SummaryTable.Format(rows));
            for (int i = 0; i < plots.Count; i++) Console.WriteLine($"{(i == 0 ? "plots:" : "      ")} {Path.GetFullPath(plots[i])}");
            return 0;
        });
        return command;
    }
}
