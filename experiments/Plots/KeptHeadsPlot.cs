using NativeDsp.Experiments.Results;
using ScottPlot;

namespace NativeDsp.Experiments.Plots;

/// <summary>
/// kept_heads_by_layer.png: where each method keeps its heads. Per setting with pruning runs (no empty panels), for
/// the middle K of that setting's grid, the mean number of heads kept in each attention module (over seeds), grouped
/// bars per method; the y axis starts at 0 and the legend stands outside the data area.
/// </summary>
public static class KeptHeadsPlot
{
    /// <summary>The file name under a results folder.</summary>
    public const string FileName = "kept_heads_by_layer.png";

    /// <summary>Draws <paramref name="rows"/> to <paramref name="path"/> (atomically), one panel per setting with pruning runs.</summary>
    public static void Save(string path, IReadOnlyList<ResultRow> rows)
    {
        PanelImage.UseSansFont();
        PanelImage.SaveSideBySide(path, Panels(rows), QualityPlot.PanelWidth, 480);
    }

    /// <summary>
    /// The panels: one per setting with pruning rows, each at the middle K of that setting's own K values (a joint grid
    /// is shorter than the pipelined one); one "no pruning runs" panel when there is none.
    /// </summary>
    public static IReadOnlyList<Plot> Panels(IReadOnlyList<ResultRow> rows)
    {
        // Unit runs (budgets in parameters) are drawn by UnitsPlot.
        rows = rows.Where(r => !r.IsUnitRun).ToList();
        var pruned = rows.Where(r => r.Method != "none" && r.KeptPerModule.Length > 0).ToList();
        var panels = new List<Plot>();
        foreach (var setting in new[] { "joint", "pipelined" }.Where(s => pruned.Any(r => r.Setting == s)))
        {
            var inSetting = pruned.Where(r => r.Setting == setting).ToList();
            var ks = inSetting.Select(r => r.HeadsKept).Distinct().Order().ToList();
            int k = ks[ks.Count / 2];
            var plot = new Plot();
            var chosen = inSetting.Where(r => r.HeadsKept == k).ToList();
            var methods = chosen.Select(r => r.Method).Distinct().OrderBy(QualityPlot.MethodOrder).ToList();
            var modules = chosen[0].KeptModules().Select(m => m.Module).ToList();
            double width = 0.8 / Math.Max(1, methods.Count);
            double highest = 1;
            for (int mi = 0; mi < methods.Count; mi++)
            {
                var runs = chosen.Where(r => r.Method == methods[mi]).Select(r => r.KeptModules()).ToList();
                var bars = new List<Bar>();
                for (int m = 0; m < modules.Count; m++)
                {
                    double mean = runs.Average(r => m < r.Count ? r[m].Kept : 0);
                    highest = Math.Max(highest, mean);
                    bars.Add(new Bar { Position = m - 0.4 + width * (mi + 0.5), Value = mean, Size = width * 0.95, FillColor = PanelImage.MethodColor(methods[mi]) });
                }
                var plottable = plot.Add.Bars(bars);
                plottable.LegendText = methods[mi];
            }
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, modules.Count).Select(i => (double)i).ToArray(), modules.Select(ShortName).ToArray());
            if (modules.Count > 8)
            {
                plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
                plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            }
            // Heads kept are never negative: the axis starts at 0 (it is what the bars stand on).
            plot.Axes.SetLimitsY(0, highest * 1.1);
            plot.Title($"{setting}: heads kept per module at K = {k} (mean over seeds)");
            plot.YLabel("heads kept");
            plot.ShowLegend(Edge.Right);
            panels.Add(plot);
        }
        if (panels.Count == 0)
        {
            var empty = new Plot();
            empty.Title("no pruning runs");
            panels.Add(empty);
        }
        return panels;
    }

    /// <summary>"encoder.layers.0.self_attn" -> "enc 0", "decoder.layers.1.encoder_attn" -> "dec 1 cross": short enough to stand unrotated.</summary>
    public static string ShortName(string module)
    {
        var parts = module.Split('.');
        if (parts.Length != 4 || parts[1] != "layers") return module;
        string stack = parts[0] switch { "encoder" => "enc", "decoder" => "dec", _ => parts[0] };
        string kind = parts[3] switch { "self_attn" => parts[0] == "decoder" ? " self" : "", "encoder_attn" => " cross", _ => " " + parts[3] };
        return $"{stack} {parts[2]}{kind}";
    }
}
