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
