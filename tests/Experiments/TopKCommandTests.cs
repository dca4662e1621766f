using System.Globalization;
using NativeDsp.Kernels.Random;
using NativeDsp.Tests.References;

namespace NativeDsp.Tests.Experiments;

[Collection(ExperimentCommandTests.CliCollection)]
public class TopKCommandTests
{
    static (int Code, string Out, string Err) RunTopK(params string[] args) => CliRunner.Run(["topk", .. args]);

    static double[][] ParseCsv(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("head,logit,noise,mask,grad", lines[0]);
        return lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
    }

    [Fact]
    public void DspPrintsTheReferenceMaskAndGradient()
    {
        var (code, output, _) = RunTopK("--logits", "0.5,-1.25,2,0.125,1", "--k", "2", "--tau", "0.7", "--upstream", "1,0,-2,0.5,3", "--device", "host");
        Assert.Equal(0, code);
        var rows = ParseCsv(output);
        double[] w = [0.5, -1.25, 2, 0.125, 1];
        var reference = SoftTopKReference.Forward(w, 2, 0.7);
        var grad = SoftTopKReference.Backward(reference, [1, 0, -2, 0.5, 3], 0.7);
        Assert.Equal(5, rows.Length);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal([i, w[i], 0.0], rows[i][..3]);
            // float32 outputs; same tolerances as the kernel tests (well-conditioned case).
            Assert.True(Math.Abs(rows[i][3] - reference.Mask[i]) <= 2e-6, $"mask[{i}]");
            Assert.True(Math.Abs(rows[i][4] - grad[i]) <= 1e-5 * Math.Max(1, grad.Max(Math.Abs)), $"grad[{i}]");
        }
    }

    [Fact]
    public void SeededNoiseIsPhiloxGumbelAndOutputRoundTrips()
    {
        var (code, output, _) = RunTopK("--logits", "0.1,0.2,0.3", "--k", "1", "--tau", "1", "--noise", "seed:5", "--device", "host");
        Assert.Equal(0, code);
        var text = output.Split('\n')[1..4];
        for (int i = 0; i < 3; i++)
        {
            var fields = text[i].Trim().Split(',');
            // Printed with "R": parsing the text gives back the exact float that was computed.
            Assert.Equal(Philox.Gumbel(5, (ulong)i), float.Parse(fields[2], CultureInfo.InvariantCulture));
        }
        var rows = ParseCsv(output);
        Assert.True(Math.Abs(rows.Sum(r => r[3]) - 1) <= 1e-6);
    }

    [Fact]
    public void SteKeepsTheTopKAndPassesTheUpstreamThrough()
    {
        var (code, output, _) = RunTopK("--method", "ste", "--logits", "3,1,3,2", "--k", "2", "--upstream", "0.5,-1,2,4");
        Assert.Equal(0, code);
        var rows = ParseCsv(output);
        Assert.Equal([1.0, 0, 1, 0], rows.Select(r => r[3]));
        Assert.Equal([0.5, -1, 2, 4], rows.Select(r => r[4]));
    }

    [Fact]
    public void ConcreteUsesTauAsBetaAndLogisticNoise()
    {
        var (code, output, _) = RunTopK("--method", "concrete", "--logits", "-1,0,0.5,2", "--tau", "0.5", "--noise", "seed:3", "--device", "host");
        Assert.Equal(0, code);
        var rows = ParseCsv(output);
        for (int i = 0; i < 4; i++)
        {
            double l = HardConcreteReference.LogisticNoise(HardConcreteReference.Uniform(3, (ulong)i));
            Assert.True(Math.Abs(rows[i][2] - l) <= 1e-6 * Math.Max(1, Math.Abs(l)), $"noise[{i}]");
            double la = rows[i][1];
            Assert.True(Math.Abs(rows[i][3] - HardConcreteReference.Sample(la, rows[i][2], 0.5, -0.1, 1.1)) <= 1e-6, $"gate[{i}]");
            Assert.True(Math.Abs(rows[i][4] - HardConcreteReference.SampleGradient(la, rows[i][2], 0.5, -0.1, 1.1)) <= 1e-6, $"grad[{i}]");
        }
    }

    [Fact]
    public void IlgpuCpuAgreesWithHost()
    {
        string[] args = ["--logits", "0.3,-0.2,1.1,0.9,0,-2,0.4", "--k", "3", "--tau", "0.5", "--noise", "seed:11"];
        var host = ParseCsv(RunTopK([.. args, "--device", "host"]).Out);
        var cpu = ParseCsv(RunTopK([.. args, "--device", "ilgpu-cpu"]).Out);
        for (int i = 0; i < host.Length; i++)
            for (int c = 0; c < 5; c++)
                Assert.True(Math.Abs(host[i][c] - cpu[i][c]) <= 1e-5 * Math.Max(1, Math.Abs(host[i][c])), $"row {i} column {c}");
    }

    [Theory]
    [InlineData("--logits", "1,2,3", "--k", "4", "--tau", "1")]            // k > H
    [InlineData("--logits", "1,2,3", "--k", "0", "--tau", "1")]            // k < 1
    [InlineData("--logits", "1,2,3", "--k", "1", "--tau", "0")]            // tau <= 0
    [InlineData("--logits", "1,2,3", "--k", "1", "--tau", "-2")]
    [InlineData("--logits", "1,2,3", "--k", "1", "--tau", "abc")]
    [InlineData("--logits", "1,x,3", "--k", "1", "--tau", "1")]            // unparsable logit
    [InlineData("--logits", "1,1e50,3", "--k", "1", "--tau", "1")]         // not a finite float
    [InlineData("--logits", "1,2,3", "--k", "1", "--tau", "1", "--upstream", "1,2")]
    [InlineData("--logits", "1,2,3", "--k", "1", "--tau", "1", "--noise", "seed:-1")]
    [InlineData("--logits", "1,2,3", "--k", "1", "--tau", "1", "--method", "magic")]
    [InlineData("--logits", "1,2,3", "--tau", "1")]                        // dsp needs k
    [InlineData("--logits", "1,2,3", "--k", "1")]                          // dsp needs tau
    [InlineData("--logits", "1,2,3", "--k", "1", "--method", "ste", "--tau", "1")]
    [InlineData("--logits", "1,2,3", "--k", "1", "--method", "concrete")]
    [InlineData("--logits", "1,2,3", "--k", "1", "--tau", "1", "--device", "quantum")]
    [InlineData("--k", "1", "--tau", "1")]
    [InlineData("--logits", "1,2,3", "--k", "1", "--tau", "1", "--bogus", "1")]
    [InlineData("--logits", "1,2,3", "--k")]
    public void BadArgumentsAreUsageErrors(params string[] args)
    {
        var (_, output, _) = RunTopK(args);
        Assert.Equal("", output);
        Assert.Contains("nativedsp topk:", CliRunner.AssertFails(2, ["topk", .. args]));
    }
}
