using NativeDsp.Kernels;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Tests.Kernels;

/// <summary>Inputs and buffer round trips for the head-pruning kernel tests.</summary>
static class PruningTestData
{
    /// <summary>n normal floats of the given scale from a seeded System.Random (test data only).</summary>
    public static float[] Normal(int n, double scale, int seed)
    {
        var rng = new System.Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            x[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return x;
    }

    /// <summary>Gumbel(0, 1) noise from the engine's counter-based generator, as training would draw it.</summary>
    public static float[] Gumbel(int n, ulong seed) =>
        Enumerable.Range(0, n).Select(i => Philox.Gumbel(seed, (ulong)i)).ToArray();

    public static DeviceBuffer<float> Upload(IKernels k, float[] data)
    {
        var b = k.Allocate(data.Length);
        b.CopyFrom(data);
        return b;
    }

    public static double[] ToDouble(float[] x) => x.Select(v => (double)v).ToArray();

    public static bool AllFinite(float[] x) => x.All(float.IsFinite);
}
