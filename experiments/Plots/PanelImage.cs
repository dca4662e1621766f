using NativeDsp.Experiments.Results;
using ScottPlot;
using SkiaSharp;

namespace NativeDsp.Experiments.Plots;

/// <summary>
/// Lays ScottPlot plots side by side in one PNG: each plot is rendered on its own and the images are
/// drawn onto one Skia canvas (independent axes per panel), then written via a temporary file and a rename.
/// </summary>
public static class PanelImage
{
    static bool fontSet;

    /// <summary>ScottPlot's default font is a serif stand-in on Linux without this.</summary>
    public static void UseSansFont()
    {
        if (fontSet) return;
        Fonts.Default = "DejaVu Sans";
        fontSet = true;
    }

    /// <summary>Renders each plot at <paramref name="panelWidth"/> x <paramref name="height"/> and writes them side by side to <paramref name="path"/> (atomically).</summary>
    public static void SaveSideBySide(string path, IReadOnlyList<Plot> panels, int panelWidth, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(panelWidth * panels.Count, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        for (int i = 0; i < panels.Count; i++)
        {
            byte[] png = panels[i].GetImage(panelWidth, height).GetImageBytes(ImageFormat.Png, 100);
            using var bitmap = SKBitmap.Decode(png);
            canvas.DrawBitmap(bitmap, i * panelWidth, 0);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.{Environment.ProcessId}.tmp";
        using (var file = File.Create(temp)) data.SaveTo(file);
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>
    /// A curve through the means <paramref name="stats"/> at <paramref name="xs"/> (ascending), legend "label (n=N)", with a
    /// band of the intervals where a point has one (n &gt;= 2; a point of one seed pinches the band to its mean) and,
    /// for a lone point with an interval, an error bar instead (no line to carry a band).
    /// </summary>
    public static void AddMeanCurve(Plot plot, double[] xs, IReadOnlyList<MeanInterval> stats, Color color, string label)
    {
        var ys = stats.Select(p => p.Mean).ToArray();
        if (stats.Any(p => p.HasInterval) && stats.Count >= 2)
        {
            var band = plot.Add.FillY(xs, stats.Select(p => p.HasInterval ? p.Low : p.Mean).ToArray(), stats.Select(p => p.HasInterval ? p.High : p.Mean).ToArray());
            band.FillColor = color.WithAlpha(0.18);
            band.LineWidth = 0;
        }
        var scatter = plot.Add.Scatter(xs, ys);
        scatter.Color = color;
        scatter.LegendText = $"{label} (n={stats.Max(p => p.N)})";
        scatter.LineWidth = 2;
        scatter.MarkerSize = 7;
        if (stats.Count == 1 && stats[0].HasInterval)
        {
            var bar = plot.Add.ErrorBar(xs, ys, [stats[0].HalfWidth]);
            bar.Color = color;
        }
    }

    /// <summary>A fixed colour per method, so that every plot shows a method the same way.</summary>
    public static Color MethodColor(string method) => method switch
    {
        "dsp" => Colors.Red,
        "ste" => Colors.Blue,
        "voita" => Colors.Green,
        "michel" => Colors.Orange,
        // Unit-run series are "method units" ("dsp heads,neurons", "snip heads,blocks"): coloured by the method.
        "dsp heads,neurons" => Colors.DarkRed,
        _ when method.StartsWith("dsp ", StringComparison.Ordinal) => Colors.Salmon,
        _ => method.Split(' ')[0] switch
        {
            "gradrank" => Colors.Purple,
            "smp" => Colors.Teal,
            "mlpruning" => Colors.Brown,
            "snip" => Colors.Magenta,
            _ => Colors.Gray,
        },
    };
}
