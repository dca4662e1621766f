using System.Globalization;
using NativeDsp.Experiments.Results;
using ScottPlot;

namespace NativeDsp.Experiments.Plots;

/// <summary>
/// quality_vs_heads.png: the metric against the number of heads kept, one panel per (task, setting) that has pruning
/// runs (no empty panels). Each method is a line through its mean over seeds at every K, with a band of the 95%
/// Student-t confidence interval where a K has at least 2 seeds (<see cref="SeedStatistics"/>); the unpruned model
/// ("none") is a dashed line at its mean inside a grey band of its interval. The legend stands outside the data area.
/// </summary>
public static class QualityPlot
{
    /// <summary>The file name under a results folder.</summary>
    public const string FileName = "quality_vs_heads.png";

    /// <summary>Pixels of one panel's width (the legend takes ~120 of them, outside the data area).</summary>
    public const int PanelWidth = 760;

    /// <summary>Draws <paramref name="rows"/> to <paramref name="path"/> (atomically), one 760 x 480 panel per (task, setting) with pruning runs.</summary>
    public static void Save(string path, IReadOnlyList<ResultRow> rows)
    {
        PanelImage.UseSansFont();
        PanelImage.SaveSideBySide(path, Panels(rows).Select(p => p.Plot).ToList(), PanelWidth, 480);
    }

    /// <summary>One panel of the figure: its (task, setting) and the plot.</summary>
    public sealed record Panel(string Task, string Setting, Plot Plot);

    /// <summary>
    /// The panels of <paramref name="rows"/>: one per (task, setting) holding a pruning run, joint before pipelined; a
    /// single empty "no pruning runs" panel when there is none, so that a file is still written.
    /// </summary>
    public static IReadOnlyList<Panel> Panels(IReadOnlyList<ResultRow> rows)
    {
        // Unit runs (budgets in parameters) are drawn by UnitsPlot.
        rows = rows.Where(r => !r.IsUnitRun).ToList();
        var panels = new List<Panel>();
        var groups = rows.Where(r => r.Method != "none").Select(r => (r.Task, r.Setting)).Distinct()
            .OrderBy(g => g.Task).ThenBy(g => g.Setting == "joint" ? 0 : 1).ToList();
        foreach (var (task, setting) in groups)
        {
            var plot = new Plot();
            var inSetting = rows.Where(r => r.Task == task && r.Setting == setting).ToList();
            string metric = inSetting[0].Metric;
            var ks = inSetting.Where(r => r.Method != "none").Select(r => r.HeadsKept).Distinct().Order().ToArray();
            double xMin = ks[0], xMax = ks[^1];
            double pad = Math.Max(0.5, 0.03 * (xMax - xMin));
            foreach (var method in inSetting.Select(r => r.Method).Distinct().OrderBy(MethodOrder))
            {
                var color = PanelImage.MethodColor(method);
                if (method == "none")
                {
                    var all = SeedStatistics.Interval(inSetting.Where(r => r.Method == "none").Select(r => r.Value).ToList());
                    if (all.HasInterval)
                    {
                        var band = plot.Add.FillY([xMin - pad, xMax + pad], [all.Low, all.Low], [all.High, all.High]);
                        band.FillColor = Colors.Gray.WithAlpha(0.25);
                        band.LineWidth = 0;
                    }
                    var line = plot.Add.HorizontalLine(all.Mean);
                    line.Color = color;
                    line.LinePattern = LinePattern.Dashed;
                    line.LegendText = $"all heads (n={all.N})";
                    continue;
                }
                var points = inSetting.Where(r => r.Method == method).GroupBy(r => r.HeadsKept).OrderBy(g => g.Key)
                    .Select(g => (K: (double)g.Key, Stats: SeedStatistics.Interval(g.Select(r => r.Value).ToList()))).ToList();
                PanelImage.AddMeanCurve(plot, points.Select(p => p.K).ToArray(), points.Select(p => p.Stats).ToArray(), color, method);
            }
            // Ticks at the K values run, not at fractions of a head.
            plot.Axes.Bottom.SetTicks(ks.Select(k => (double)k).ToArray(), ks.Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray());
            plot.Axes.SetLimitsX(xMin - pad, xMax + pad);
            plot.Title($"{task} {setting}: mean and 95% CI over seeds");
            plot.XLabel("heads kept (K)");
            plot.YLabel(metric);
            plot.ShowLegend(Edge.Right);
            panels.Add(new Panel(task, setting, plot));
        }
        if (panels.Count == 0)
        {
            var empty = new Plot();
            empty.Title("no pruning runs");
            panels.Add(new Panel("", "", empty));
        }
        return panels;
    }

    /// <summary>The order methods are listed and drawn in: dsp, ste, voita, michel, none, then anything else.</summary>
    public static int MethodOrder(string method) => Array.IndexOf(new[] { "dsp", "ste", "voita", "michel", "none" }, method) is int i and >= 0 ? i : 99;
}
