using NativeDsp.Experiments.Plots;

namespace NativeDsp.Tests.Experiments;

public sealed class PlotLabelTests
{
    [Theory]
    [InlineData("encoder.layers.0.self_attn", "enc 0")]
    [InlineData("decoder.layers.1.self_attn", "dec 1 self")]
    [InlineData("decoder.layers.5.encoder_attn", "dec 5 cross")]
    [InlineData("pooler", "pooler")]                           // not a layer module: kept as it is
    public void Module_names_are_shortened_for_the_axis(string module, string label) =>
        Assert.Equal(label, KeptHeadsPlot.ShortName(module));
}
