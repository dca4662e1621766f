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

    static ResultRow Row(string setting, string method, int kept, double value) => new()
    {
        Task = "nli", Setting = setting, Method = method, HeadsTotal = 4, HeadsKept = kept, Seed = 1, Metric = "accuracy", Value = value,
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
            Assert.Equal((640, 640), (PngWidth(quality), PngWidth(kept)));

            List<ResultRow> both = [.. pipelinedOnly, Row("joint", "ste", 2, 0.5)];
            QualityPlot.Save(quality, both);
            KeptHeadsPlot.Save(kept, both);
            Assert.Equal((1280, 1280), (PngWidth(quality), PngWidth(kept)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
