using NativeDsp.Experiments.Results;
using ScottPlot;

namespace NativeDsp.Experiments.Plots;

/// <summary>
/// quality_vs_params_and_speedup.png: for the unit runs of a results file (budgets in parameters), two panels per task:
/// the metric against the parameters of the physically pruned model, and against the measured speed-up of its forward
/// pass (infer_ms_full / infer_ms_pruned). One curve per series (the method, with its units when not heads only:
/// "dsp heads,neurons"), through the mean over seeds at each budget, with a band of the 95% Student-t interval of the
/// metric where a budget has at least 2 seeds (<see cref="SeedStatistics"/>); x is the mean over the same seeds. The
/// unpruned model ("none") is a dashed line at its mean. Speed-ups are as measured in the runs (see time_quiet).
/// </summary>
public static class UnitsPlot
{
    /// <summary>The file name under a results folder.</summary>
    public const string FileName = "quality_vs_params_and_speedup.png";

    /// <summary>Draws <paramref name="rows"/>' unit runs to <paramref name="path"/> (atomically).</summary>
    public static void Save(string path, IReadOnlyList<ResultRow> rows)
    {
        PanelImage.UseSansFont();
        PanelImage.SaveSideBySide(path, Panels(rows), QualityPlot.PanelWidth, 480);
    }

    /// <summary>One point of a curve: a series at one budget, over its seeds.</summary>
    /// <param name="X">The mean x over the seeds.</param>
    /// <param name="Quality">The metric's mean and interval.</param>
    public sealed record Point(double X, MeanInterval Quality);

    /// <summary>
    /// The curves of one panel: per series, its points in order of x (<paramref name="x"/> of a row; rows where it
    /// is null are left out, e.g. untimed rows on the speed-up panel).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<Point>> Curves(IEnumerable<ResultRow> rows, Func<ResultRow, double?> x) =>
        rows.Where(r => r.IsUnitRun && x(r) is not null)
            .GroupBy(r => r.Series)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Point>)g.GroupBy(r => r.Budget)
                .Select(b => new Point(b.Average(r => x(r)!.Value), SeedStatistics.Interval(b.Select(r => r.Value).ToList())))
                .OrderBy(p => p.X).ToList());

    /// <summary>The panels: per task with unit runs, quality vs kept parameters (millions) and quality vs speed-up.</summary>
    public static IReadOnlyList<Plot> Panels(IReadOnlyList<ResultRow> rows)
    {
        var panels = new List<Plot>();
        foreach (var task in rows.Where(r => r.IsUnitRun).Select(r => r.Task).Distinct().Order())
        {
            var inTask = rows.Where(r => r.Task == task).ToList();
            var none = inTask.Where(r => r.Method == "none").Select(r => r.Value).ToList();
            panels.Add(Panel($"{task}: quality vs parameters", "parameters of the pruned model (millions)", inTask[0].Metric,
                             Curves(inTask, r => r.ParamsPruned / 1e6), none));
            panels.Add(Panel($"{task}: quality vs speed-up", "forward speed-up (full / pruned time)", inTask[0].Metric,
                             Curves(inTask, r => r.Speedup), none));
        }
        if (panels.Count == 0)
        {
            var empty = new Plot();
            empty.Title("no unit runs");
            panels.Add(empty);
        }
        return panels;
    }

    static Plot Panel(string title, string xLabel, string metric, IReadOnlyDictionary<string, IReadOnlyList<Point>> curves, List<double> none)
    {
        var plot = new Plot();
        foreach (var (series, points) in curves.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            PanelImage.AddMeanCurve(plot, points.Select(p => p.X).ToArray(), points.Select(p => p.Quality).ToArray(), PanelImage.MethodColor(series), series);
        }
        if (none.Count > 0)
        {
            var all = SeedStatistics.Interval(none);
            var line = plot.Add.HorizontalLine(all.Mean);
            line.Color = PanelImage.MethodColor("none");
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"unpruned (n={all.N})";
        }
        plot.Title($"{title} (mean, 95% CI)");
        plot.XLabel(xLabel);
        plot.YLabel(metric);
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
