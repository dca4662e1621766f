using NativeDsp.Experiments.Results;
using ScottPlot;

namespace NativeDsp.Experiments.Plots;

/// <summary>
/// kept_heads_by_layer.png: where each method keeps its heads. For the middle K of the sweep, the mean
/// number of heads kept in each attention module (over seeds), grouped bars per method, one panel per setting.
/// </summary>
public static class KeptHeadsPlot
{
    public const string FileName = "kept_heads_by_layer.png";

    public static void Save(string path, IReadOnlyList<ResultRow> rows)
    {
        PanelImage.UseSansFont();
        var pruned = rows.Where(r => r.Method != "none" && r.KeptPerModule.Length > 0).ToList();
        var ks = pruned.Select(r => r.HeadsKept).Distinct().Order().ToList();
        int k = ks.Count == 0 ? 0 : ks[ks.Count / 2];
        var panels = new List<Plot>();
        foreach (var setting in PanelImage.SettingsWithRows(pruned))
        {
            var plot = new Plot();
            var chosen = pruned.Where(r => r.Setting == setting && r.HeadsKept == k).ToList();
            var methods = chosen.Select(r => r.Method).Distinct().OrderBy(QualityPlot.MethodOrder).ToList();
            var modules = chosen.FirstOrDefault()?.KeptModules().Select(m => m.Module).ToList() ?? [];
            double width = 0.8 / Math.Max(1, methods.Count);
            for (int mi = 0; mi < methods.Count; mi++)
            {
                var runs = chosen.Where(r => r.Method == methods[mi]).Select(r => r.KeptModules()).ToList();
                var bars = new List<Bar>();
                for (int m = 0; m < modules.Count; m++)
                {
                    double mean = runs.Average(r => m < r.Count ? r[m].Kept : 0);
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
            plot.Title($"{setting}: heads kept per module at K = {k} (mean over seeds)");
            plot.YLabel("heads kept");
            plot.ShowLegend(Alignment.UpperRight);
            panels.Add(plot);
        }
        PanelImage.SaveSideBySide(path, panels, 640, 480);
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
