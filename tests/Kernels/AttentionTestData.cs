using NativeDsp.Kernels;

namespace NativeDsp.Tests.Kernels;

/// <summary>Inputs and comparison helpers shared by the attention tests (and usable by engine-level tests).</summary>
public static class AttentionTestData
{
    public readonly record struct Case(int B, int H, int Tq, int Tk, int D, bool Causal, bool Mask, bool Gate)
    {
        public AttentionShape Shape => AttentionShape.Create(B, H, Tq, Tk, D, Causal);
        public override string ToString() => $"B={B} H={H} Tq={Tq} Tk={Tk} D={D} causal={Causal} mask={Mask} gate={Gate}";
    }

    public sealed record Inputs(double[] Q, double[] K, double[] V, double[]? Mask, double[]? Gate, double[] DO);

    public static Inputs MakeInputs(Case c, int seed)
    {
        var rng = new System.Random(seed);
        var s = c.Shape;
        double[] R(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)(scale * (2 * rng.NextDouble() - 1))).Select(x => (double)x).ToArray();
        double[]? mask = null;
        if (c.Mask)
        {
            // Padding at the end of each sequence, as batches of unequal lengths have; the last batch
            // keeps at least one key so that not every row is empty.
            mask = new double[c.B * c.Tk];
            for (int b = 0; b < c.B; b++)
            {
                int len = b == c.B - 1 ? Math.Max(1, c.Tk - 2) : rng.Next(1, c.Tk + 1);
                for (int j = 0; j < len; j++) mask[b * c.Tk + j] = 1;
            }
        }
        double[]? gate = c.Gate ? R(c.H, 1).Select(x => (double)(float)(0.5 + x)).ToArray() : null;
        // Scores of O(1..3) so that the softmax is neither flat nor one-hot.
        return new(R(s.QueryElements, 1.5), R(s.KeyElements, 1.5), R(s.KeyElements, 1), mask, gate, R(s.QueryElements, 1));
    }

    static DeviceBuffer<float> Upload(IKernels k, double[] x)
    {
        var buffer = k.Allocate(x.Length);
        buffer.CopyFrom(x.Select(v => (float)v).ToArray());
        return buffer;
    }

    public static void AssertClose(double[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNegativeInfinity(e) && float.IsNegativeInfinity(actual[i])) continue;
            Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e)),
                $"{what}[{i}]: expected {e}, got {a} (tolerance {tolerance})");
        }
    }

    /// <summary>Runs forward and backward on a backend; gradients start from `initial` values to check they are ADDED.</summary>
    public static (float[] O, float[] Lse, float[] DQ, float[] DK, float[] DV, float[]? DGate) RunKernel(
        IKernels k, Inputs x, AttentionShape s, float initial)
    {
        using var q = Upload(k, x.Q);
        using var kk = Upload(k, x.K);
        using var v = Upload(k, x.V);
        using var mask = x.Mask is null ? null : Upload(k, x.Mask);
        using var gate = x.Gate is null ? null : Upload(k, x.Gate);
        using var dO = Upload(k, x.DO);
        using var o = k.Allocate(s.QueryElements);
        using var lse = k.Allocate(s.RowCount);
        using var dQ = Upload(k, Enumerable.Repeat((double)initial, s.QueryElements).ToArray());
        using var dK = Upload(k, Enumerable.Repeat((double)initial, s.KeyElements).ToArray());
        using var dV = Upload(k, Enumerable.Repeat((double)initial, s.KeyElements).ToArray());
        using var dGate = x.Gate is null ? null : Upload(k, Enumerable.Repeat((double)initial, s.Heads).ToArray());
        k.AttentionForward(q, kk, v, mask, gate, o, lse, s);
        k.AttentionBackward(q, kk, v, mask, gate, o, lse, dO, dQ, dK, dV, dGate, s);
        return (o.ToArray(), lse.ToArray(), dQ.ToArray(), dK.ToArray(), dV.ToArray(), dGate?.ToArray());
    }

}
