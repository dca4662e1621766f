using NativeDsp.Engine;
using NativeDsp.Kernels;
using NativeDsp.Model.Layers;
using static NativeDsp.Tests.Model.ModelTestKit;

namespace NativeDsp.Tests.Model;

/// <summary>The building blocks of model/Layers on the Host backend.</summary>
public class LayersTests
{
    [Fact]
    public void SinusoidalPositionsFollowVaswani()
    {
        using var device = HostDevice();
        using var pos = new SinusoidalPositionalEmbedding(device, 50, 6);
        using var scope = device.Scope();
        var rows = pos.Forward(3, 2).ToArray(); // positions 3 and 4
        for (int p = 3; p <= 4; p++)
            for (int j = 0; j < 6; j++)
            {
                double angle = p / Math.Pow(10000, 2 * (j / 2) / 6.0);
                double expected = j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
                Assert.Equal(expected, rows[(p - 3) * 6 + j], 1e-6);
            }
        Assert.Empty(pos.NamedParameters());
        Assert.Throws<ArgumentOutOfRangeException>(() => pos.Forward(49, 2));
    }

    [Fact]
    public void LinearKeepsRowsAndColumns()
    {
        using var device = HostDevice();
        using var linear = new Linear(device, 3, 4);
        linear.Weight.CopyFrom(Enumerable.Range(0, 12).Select(i => (float)i).ToArray()); // W[r, c] = 3r + c
        linear.Bias!.CopyFrom(new float[] { 10, 11, 12, 13 });
        linear.KeepOutputs([3, 1]);
        Assert.Equal(new float[] { 9, 10, 11, 3, 4, 5 }, linear.Weight.ToArray());
        Assert.Equal(new float[] { 13, 11 }, linear.Bias!.ToArray());
        linear.KeepInputs([2, 0]);
        Assert.Equal(new float[] { 11, 9, 5, 3 }, linear.Weight.ToArray());
        Assert.Equal(new[] { "weight", "bias" }, linear.NamedParameters().Select(p => p.Name));
        Assert.Throws<ArgumentException>(() => linear.KeepInputs([0, 0]));
    }

    [Fact]
    public void LinearWithoutItsBiasComputesXWtAndCountsNoBias()
    {
        using var device = HostDevice();
        using var linear = new Linear(device, 3, 2);
        linear.Weight.CopyFrom(new float[] { 1, 2, 3, 4, 5, 6 });
        linear.Bias!.CopyFrom(new float[] { 100, 200 });
        linear.RemoveBias();
        Assert.Null(linear.Bias);
        Assert.Equal(6, linear.ParameterCount);
        Assert.Equal(new[] { "weight" }, linear.NamedParameters().Select(p => p.Name));
        Assert.DoesNotContain("bias", linear.StateDict().Keys);
        using (device.Scope())
            Assert.Equal(new float[] { 14, 32 }, linear.Forward(Tensor.FromArray(device, new float[] { 1, 2, 3 }, 1, 3)).ToArray());
        linear.RemoveBias(); // nothing left to remove: no error
        Assert.Equal(6, linear.ParameterCount);
    }

    [Fact]
    public void DropoutIsIdentityInEvaluationAndScalesInTraining()
    {
        using var device = HostDevice();
        var rng = new Rng(3);
        using var dropout = new Dropout(0.5f, rng);
        using var x = Tensor.Full(device, 1f, 1000);
        using var scope = device.Scope();
        var trained = dropout.Forward(x).ToArray();
        Assert.All(trained, v => Assert.True(v == 0f || v == 2f));
        Assert.InRange(trained.Count(v => v == 0f), 400, 600);
        Assert.Equal(1000UL, rng.Offset); // the stream advanced, so the next call draws a new mask
        dropout.Eval();
        Assert.Same(x, dropout.Forward(x));
    }

    [Fact]
    public void FeedForwardIsFc2OfActivatedFc1()
    {
        using var device = HostDevice();
        using var ffn = new FeedForward(device, 2, 3, Activation.Relu, 0f, new Rng(1));
        ffn.Fc1.Weight.CopyFrom(new float[] { 1, 0, 0, 1, -1, -1 });
        ffn.Fc1.Bias!.CopyFrom(new float[] { 0, 0, 0 });
        ffn.Fc2.Weight.CopyFrom(new float[] { 1, 1, 1, 0, 0, 2 });
        ffn.Fc2.Bias!.CopyFrom(new float[] { 0.5f, 0 });
        using var x = Tensor.FromArray(device, new float[] { 2, -3 }, 1, 2);
        using var scope = device.Scope();
        // fc1: [2, -3, 1] -> relu [2, 0, 1] -> fc2: [2 + 0 + 1 + 0.5, 2*1]
        Assert.Equal(new float[] { 3.5f, 2f }, ffn.Forward(x).ToArray());
    }

    [Fact]
    public void KeyMaskMarksPaddingAndIsNullWithoutIt()
    {
        using var device = HostDevice();
        using var scope = device.Scope();
        Assert.Null(KeyMask.FromIds(device, [4, 5, 6, 7], 2, 2, padId: 0));
        var mask = KeyMask.FromIds(device, [4, 0, 6, 7], 2, 2, padId: 0)!;
        Assert.Equal(new float[] { 1, 0, 1, 1 }, mask.ToArray());
        Assert.Equal(new[] { 2, 2 }, mask.Shape.ToArray());
    }

    /// <summary>
    /// The module against the same computation spelled out with engine ops (per-head matmuls and softmax),
    /// with a key mask, causal masking and a gate. Both are float32 with different summation orders: 1e-5.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiHeadAttentionMatchesComposedOps(bool causal)
    {
        using var device = HostDevice();
        using var mha = new MultiHeadAttention(device, 8, 2);
        int seed = 1;
        foreach (var (_, p) in mha.NamedParameters()) p.CopyFrom(RandomFloats(p.Count, seed++, 0.5f));
        const int b = 2, t = 5;
        using var x = Tensor.FromArray(device, RandomFloats(b * t * 8, 20), b, t, 8);
        using var mask = Tensor.FromArray(device, new float[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, b, t);
        using var gate = Tensor.FromArray(device, new float[] { 0.7f, 1.3f }, 2);
        using var scope = device.Scope();
        var actual = mha.Forward(x, x, mask, causal, gate).ToArray();

        var q = mha.QProj.Forward(x).ToArray();
        var k = mha.KProj.Forward(x).ToArray();
        var v = mha.VProj.Forward(x).ToArray();
        var concat = new float[b * t * 8];
        float[] g = [0.7f, 1.3f];
        for (int bi = 0; bi < b; bi++)
            for (int h = 0; h < 2; h++)
                for (int i = 0; i < t; i++)
                {
                    var scores = new double[t];
                    for (int j = 0; j < t; j++)
                    {
                        bool visible = (bi == 0 || j < 3) && (!causal || j <= i);
                        double dot = 0;
                        for (int d = 0; d < 4; d++) dot += q[(bi * t + i) * 8 + h * 4 + d] * k[(bi * t + j) * 8 + h * 4 + d];
                        scores[j] = visible ? dot / 2.0 : double.NegativeInfinity;
                    }
                    double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
                    for (int d = 0; d < 4; d++)
                    {
                        double o = 0;
                        for (int j = 0; j < t; j++) o += Math.Exp(scores[j] - max) / sum * v[(bi * t + j) * 8 + h * 4 + d];
                        concat[(bi * t + i) * 8 + h * 4 + d] = (float)(g[h] * o);
                    }
                }
        using var c = Tensor.FromArray(device, concat, b, t, 8);
        AssertClose(mha.OutProj.Forward(c).ToArray(), actual, 1e-5, "multi-head attention");
    }
}
