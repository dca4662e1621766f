using NativeDsp.Engine;

namespace NativeDsp.Tests.Model;

/// <summary>Shared helpers of the model tests: a Host device, random data, comparisons, a tiny training loop.</summary>
public static class ModelTestKit
{
    /// <summary>A device over the shared Host kernels (the device does not own them).</summary>
    public static Device HostDevice() => new(TestBackends.Host);

    public static float[] RandomFloats(int n, int seed, float scale = 1f)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((2 * rng.NextDouble() - 1) * scale)).ToArray();
    }

    public static int[] RandomInts(int n, int low, int high, System.Random rng) =>
        Enumerable.Range(0, n).Select(_ => rng.Next(low, high)).ToArray();

    public static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(expected[i] - actual[i]);
            if (!(err <= worst)) { worst = err; at = i; }
        }
        Assert.True(worst <= tolerance, $"{what}: max |difference| {worst:g3} at {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)}), tolerance {tolerance:g3}");
    }

    /// <summary>
    /// Accuracy of 3-class logits [n, 3] (row-major) against <paramref name="labels"/>: argmax with ties to the lower
    /// class, as the classifiers' evaluation does.
    /// </summary>
    public static double Accuracy3(float[] logits, IReadOnlyList<int> labels)
    {
        int right = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            var row = logits.AsSpan(3 * i, 3);
            int best = row[1] > row[0] ? 1 : 0;
            if (row[2] > row[best]) best = 2;
            if (best == labels[i]) right++;
        }
        return right / (double)labels.Count;
    }

    /// <summary>Zeroes head <paramref name="local"/>'s rows of v_proj (weight and bias), so the head outputs exactly 0: a planted useless head.</summary>
    public static void ZeroHeadValues(NativeDsp.Model.Layers.MultiHeadAttention module, int local)
    {
        var v = module.VProj;
        int d = module.HeadDim;
        var w = v.Weight.ToArray();
        Array.Clear(w, local * d * module.ModelDim, d * module.ModelDim);
        v.Weight.CopyFrom(w);
        if (v.Bias is { } bias)
        {
            var b = bias.ToArray();
            Array.Clear(b, local * d, d);
            bias.CopyFrom(b);
        }
    }

    /// <summary>One AdamW step on <paramref name="loss"/> computed inside the caller's tape scope.</summary>
    public static float Step(Module model, Adam optimizer, Func<Tensor> loss)
    {
        var device = model.Parameters()[0].Device;
        using var scope = device.Scope();
        var l = loss();
        optimizer.ZeroGrad();
        l.Backward();
        optimizer.Step();
        return l.Item();
    }
}
