using NativeDsp.Experiments.Results;
using ScottPlot;

namespace NativeDsp.Experiments.Plots;

/// <summary>
/// quality_vs_heads.png: the metric against the number of heads kept, one curve per method (the mean over
/// seeds, error bars = one standard deviation over seeds), one panel per setting (joint, pipelined). The unpruned model
/// ("none") is a dashed horizontal line.
/// </summary>
public static class QualityPlot
{
    public const string FileName = "quality_vs_heads.png";

    public static void Save(string path, IReadOnlyList<ResultRow> rows)
    {
        PanelImage.UseSansFont();
        var panels = new List<Plot>();
        string metric = rows.FirstOrDefault()?.Metric ?? "metric";
        string task = rows.FirstOrDefault()?.Task ?? "";
        foreach (var setting in PanelImage.SettingsWithRows(rows.Where(r => r.Method != "none").ToList()))
        {
            var plot = new Plot();
            var inSetting = rows.Where(r => r.Setting == setting).ToList();
            foreach (var method in inSetting.Select(r => r.Method).Distinct().OrderBy(MethodOrder))
            {
                var points = inSetting.Where(r => r.Method == method).GroupBy(r => r.HeadsKept).OrderBy(g => g.Key)
                    .Select(g => (K: (double)g.Key, Mean: g.Average(r => r.Value), Std: StandardDeviation(g.Select(r => r.Value).ToList()), N: g.Count()))
                    .ToList();
                var color = PanelImage.MethodColor(method);
                if (method == "none")
                {
                    var line = plot.Add.HorizontalLine(points.Average(p => p.Mean));
                    line.Color = color;
                    line.LinePattern = LinePattern.Dashed;
                    line.LegendText = "all heads";
                    continue;
                }
                var xs = points.Select(p => p.K).ToArray();
                var ys = points.Select(p => p.Mean).ToArray();
                var scatter = plot.Add.Scatter(xs, ys);
                scatter.Color = color;
                scatter.LegendText = $"{method} (n={points.Max(p => p.N)})";
                scatter.LineWidth = 2;
                scatter.MarkerSize = 7;
                var bars = plot.Add.ErrorBar(xs, ys, points.Select(p => p.Std).ToArray());
                bars.Color = color;
            }
            // Ticks at the K values run, not at fractions of a head.
            var ks = inSetting.Where(r => r.Method != "none").Select(r => r.HeadsKept).Distinct().Order().ToArray();
            if (ks.Length > 0) plot.Axes.Bottom.SetTicks(ks.Select(k => (double)k).ToArray(), ks.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            plot.Title($"{task} {setting}");
            plot.XLabel("heads kept (K)");
            plot.YLabel(metric);
            plot.ShowLegend(Alignment.LowerRight);
            panels.Add(plot);
        }
        PanelImage.SaveSideBySide(path, panels, 640, 480);
    }

    /// <summary>The sample standard deviation (0 for one seed).</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    public static int MethodOrder(string method) => Array.IndexOf(new[] { "dsp", "ste", "voita", "michel", "none" }, method) is int i and >= 0 ? i : 99;
}
