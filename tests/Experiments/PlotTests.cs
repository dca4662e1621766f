using System.Buffers.Binary;
using NativeDsp.Experiments.Plots;
using NativeDsp.Experiments.Results;

namespace NativeDsp.Tests.Experiments;

public sealed class PlotTests
{
    [Theory]
    [InlineData("encoder.layers.0.self_attn", "enc 0")]
    [InlineData("decoder.layers.1.self_attn", "dec 1 self")]
    [InlineData("decoder.layers.5.encoder_attn", "dec 5 cross")]
    [InlineData("pooler", "pooler")]                           // not a layer module: kept as it is
    public void Module_names_are_shortened_for_the_axis(string module, string label) =>
        Assert.Equal(label, KeptHeadsPlot.ShortName(module));

    static ResultRow Row(string setting, string method, int kept, double value, int seed = 1) => new()
    {
        Task = "nli", Setting = setting, Method = method, HeadsTotal = 4, HeadsKept = kept, Seed = seed, Metric = "accuracy", Value = value,
        KeptPerModule = $"encoder.layers.0.self_attn={kept}", Preset = "quick",
    };

    static int PngWidth(string path) => BinaryPrimitives.ReadInt32BigEndian(File.ReadAllBytes(path).AsSpan(16, 4));

    [Fact]
    public void A_setting_without_pruning_runs_gets_no_empty_panel()
    {
        string dir = Directory.CreateTempSubdirectory("nativedsp-plot-").FullName;
        try
        {
            string quality = Path.Combine(dir, QualityPlot.FileName), kept = Path.Combine(dir, KeptHeadsPlot.FileName);
            List<ResultRow> pipelinedOnly = [Row("pipelined", "none", 4, 0.7), Row("pipelined", "dsp", 2, 0.6), Row("joint", "none", 4, 0.7)];
            QualityPlot.Save(quality, pipelinedOnly);
            KeptHeadsPlot.Save(kept, pipelinedOnly);
            int w = QualityPlot.PanelWidth;
            Assert.Equal((w, w), (PngWidth(quality), PngWidth(kept)));

            List<ResultRow> both = [.. pipelinedOnly, Row("joint", "ste", 2, 0.5)];
            QualityPlot.Save(quality, both);
            KeptHeadsPlot.Save(kept, both);
            Assert.Equal((2 * w, 2 * w), (PngWidth(quality), PngWidth(kept)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void One_panel_per_setting_with_mean_lines_and_confidence_bands()
    {
        var rows = new List<ResultRow>();
        for (int seed = 1; seed <= 3; seed++)
        {
            rows.Add(Row("pipelined", "none", 4, 0.70 + 0.01 * seed, seed));
            foreach (int k in new[] { 1, 2, 3 })
                foreach (var method in new[] { "dsp", "ste", "michel" })
                    rows.Add(Row("pipelined", method, k, 0.4 + 0.1 * k + 0.01 * seed, seed));
            rows.Add(Row("joint", "dsp", 2, 0.5 + 0.01 * seed, seed));
            rows.Add(Row("joint", "dsp", 3, 0.6 + 0.01 * seed, seed));
        }
        var panels = QualityPlot.Panels(rows);
        Assert.Equal(["joint", "pipelined"], panels.Select(p => p.Setting));
        var pipelined = panels[1].Plot.GetPlottables().ToList();
        // A CI band per method (3) and the unpruned model's band; a mean line per method and the unpruned line.
        Assert.Equal(4, pipelined.OfType<ScottPlot.Plottables.FillY>().Count());
        Assert.Equal(3, pipelined.OfType<ScottPlot.Plottables.Scatter>().Count());
        Assert.Single(pipelined.OfType<ScottPlot.Plottables.HorizontalLine>());
        var joint = panels[0].Plot.GetPlottables().ToList();
        Assert.Single(joint.OfType<ScottPlot.Plottables.FillY>());
        // Kept heads: a panel per setting, each at its own middle K (the joint grid has no K = 1).
        Assert.Equal(2, KeptHeadsPlot.Panels(rows).Count);

        // Only pipelined rows: one panel in each figure; the pretrained sweep's lone joint K = 18 no longer leaves an empty joint panel.
        var pipelinedOnly = rows.Where(r => r.Setting == "pipelined").ToList();
        Assert.Single(QualityPlot.Panels(pipelinedOnly));
        Assert.Single(KeptHeadsPlot.Panels(pipelinedOnly));
        List<ResultRow> lone = [.. pipelinedOnly, Row("joint", "dsp", 2, 0.5)];
        Assert.Equal(2, KeptHeadsPlot.Panels(lone).Count);
        Assert.Single(KeptHeadsPlot.Panels(lone)[0].GetPlottables().OfType<ScottPlot.Plottables.BarPlot>());
    }
}
