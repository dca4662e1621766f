using NativeDsp.Experiments.Plots;
using NativeDsp.Experiments.Results;

namespace NativeDsp.Experiments.Commands;

/// <summary><c>nativedsp plot results.csv [--out DIR]</c>: redraws quality_vs_heads.png and kept_heads_by_layer.png and prints the table.</summary>
public static class PlotCommand
{
    public const string Usage = "usage: nativedsp plot RESULTS.csv [--out DIR]   (DIR defaults to the CSV's folder)";

    public static int Run(string[] args)
    {
        var options = CommandOptions.Parse(args, ["--out"], [], Usage);
        if (options.Positional.Count != 1) throw new UsageException("expected one results.csv", Usage);
        string csv = options.Positional[0];
        if (!File.Exists(csv)) throw new UsageException($"no such file: {csv}", Usage);
        var rows = ResultsFile.Read(csv);
        if (rows.Count == 0) throw new UsageException($"{csv} has no rows", Usage);
        string dir = options.Get("--out") ?? Path.GetDirectoryName(Path.GetFullPath(csv))!;
        SweepCommand.DrawPlots(rows, dir);
        Console.WriteLine(SummaryTable.Format(rows));
        Console.WriteLine($"plots: {Path.GetFullPath(Path.Combine(dir, QualityPlot.FileName))}");
        Console.WriteLine($"       {Path.GetFullPath(Path.Combine(dir, KeptHeadsPlot.FileName))}");
        return 0;
    }
}
