using NativeDsp.Kernels.Random;

namespace NativeDsp.Tests.References;

/// <summary>Inverted dropout from its definition: keep_i = Philox.Uniform(seed, offset + i) &gt;= p, y = keep ? x / (1 - p) : 0.</summary>
public static class DropoutReference
{
    public static double[] Forward(double[] x, double p, ulong seed, ulong offset)
    {
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
            y[i] = Philox.Uniform(seed, offset + (ulong)i) >= p ? x[i] / (1 - p) : 0;
        return y;
    }
}
