using NativeDsp.Engine;

namespace NativeDsp.Tests.Engine;

/// <summary>End to end on the Host kernels: an MLP learns XOR and two moons, reproducibly, without leaking.</summary>
public sealed class MlpTrainingTests
{
    sealed record Run(List<float> Losses, float Accuracy);

    static Run Train(float[] xs, int[] ys, int[] sizes, ulong seed, int steps, float lr, float dropout = 0f,
                     Action<int, Device>? afterStep = null)
    {
        using var device = new Device(TestBackends.Host);
        int n = ys.Length;
        using var mlp = new TestMlp(device, sizes, seed, dropout);
        using var opt = new Adam(mlp.Parameters(), lr);
        using var x = Tensor.FromArray(device, xs, n, 2);
        using var y = IntTensor.FromArray(device, ys, n);
        var losses = new List<float>();
        for (int step = 0; step < steps; step++)
        {
            using (device.Scope())
            {
                var loss = Ops.CrossEntropy(mlp.Forward(x), y);
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
                losses.Add(loss.Item());
            }
            afterStep?.Invoke(step, device);
        }
        mlp.Eval();
        float[] logits;
        using (device.Scope())
        using (NoGrad.Scope())
            logits = mlp.Forward(x).ToArray();
        int classes = sizes[^1], correct = 0;
        for (int i = 0; i < n; i++)
        {
            var row = logits.AsSpan(i * classes, classes);
            if (row.IndexOf(MaxOf(row)) == ys[i]) correct++;
        }
        return new Run(losses, (float)correct / n);
    }

    static float MaxOf(ReadOnlySpan<float> s)
    {
        float m = float.NegativeInfinity;
        foreach (var v in s) m = Math.Max(m, v);
        return m;
    }

    [Fact]
    public void Xor_LearnsToFullAccuracy()
    {
        var (x, y) = ToyData.Xor();
        var run = Train(x, y, [2, 8, 2], seed: 1, steps: 300, lr: 0.05f);
        Assert.Equal(1f, run.Accuracy);
        Assert.True(run.Losses[^1] < 0.05f, $"final loss {run.Losses[^1]}");
        Assert.True(run.Losses[0] > 0.5f, $"initial loss {run.Losses[0]} (chance is ln 2)");
    }

    [Fact]
    public void TwoMoons_LearnsToFullAccuracy()
    {
        var (x, y) = ToyData.TwoMoons(200, noise: 0.1f, seed: 3);
        var run = Train(x, y, [2, 32, 32, 2], seed: 1, steps: 1500, lr: 0.01f);
        Assert.Equal(1f, run.Accuracy);
    }

    [Fact]
    public void SameSeed_SameLossCurveBitwise_OtherSeedDiffers()
    {
        // Dropout is on, so the curve also depends on the RNG stream that draws the masks.
        var (x, y) = ToyData.TwoMoons(64, noise: 0.1f, seed: 3);
        var a = Train(x, y, [2, 16, 2], seed: 5, steps: 100, lr: 0.01f, dropout: 0.1f);
        var b = Train(x, y, [2, 16, 2], seed: 5, steps: 100, lr: 0.01f, dropout: 0.1f);
        var c = Train(x, y, [2, 16, 2], seed: 6, steps: 100, lr: 0.01f, dropout: 0.1f);
        Assert.Equal(a.Losses.Select(BitConverter.SingleToInt32Bits), b.Losses.Select(BitConverter.SingleToInt32Bits));
        Assert.NotEqual(a.Losses, c.Losses);
    }

    [Fact]
    public void ThousandSteps_DoNotGrowLiveBuffers()
    {
        var (x, y) = ToyData.TwoMoons(64, noise: 0.1f, seed: 3);
        long afterFirst = -1;
        int checkedSteps = 0;
        Train(x, y, [2, 16, 16, 2], seed: 1, steps: 1000, lr: 0.01f, dropout: 0.1f, afterStep: (step, device) =>
        {
            // After the first step the optimizer's moments exist; from then on every step must free all it allocates.
            Assert.Equal(0, device.Tape.OwnedCount);
            Assert.Equal(0, device.Tape.NodeCount);
            if (step == 0) afterFirst = device.LiveBuffers;
            else Assert.Equal(afterFirst, device.LiveBuffers);
            checkedSteps++;
        });
        Assert.Equal(1000, checkedSteps);
        Assert.True(afterFirst > 0);
    }
}
