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

    /// <summary>A fixed colour per method, so that every plot shows a method the same way.</summary>
    public static Color MethodColor(string method) => method switch
    {
        "dsp" => Colors.Red,
        "ste" => Colors.Blue,
        "voita" => Colors.Green,
        "michel" => Colors.Orange,
        "dsp heads,neurons" => Colors.DarkRed,
        "gradrank" => Colors.Purple,
        "smp" => Colors.Teal,
        "mlpruning" => Colors.Brown,
        "snip" => Colors.Magenta,
        _ when method.StartsWith("dsp ", StringComparison.Ordinal) => Colors.Salmon,
        _ => Colors.Gray,
    };
}
