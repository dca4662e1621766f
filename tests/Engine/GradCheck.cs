using NativeDsp.Engine;

namespace NativeDsp.Tests.Engine;

/// <summary>
/// Finite-difference gradient check through the Tensor API. For an op y = f(x1, x2, ...) it takes the
/// scalar L = sum_k R_k * y_k with fixed random weights R (so every output element matters, with its own
/// weight), gets dL/dx from the tape (y.Backward(R)), and compares each element with the central
/// difference (L(x + h e_j) - L(x - h e_j)) / 2h, L summed in double on the host.
///
/// Why h = 1e-2 and the tolerance 2e-3 + 1e-2 |analytic|: the forward runs in float32, so each L carries a
/// rounding error of about eps32 * sum_k |R_k y_k| ~ 6e-8 * 30 for these small shapes; divided by 2h that
/// is ~1e-4, well inside 2e-3. The truncation error of the central difference is h^2/6 * |f'''|, ~2e-5 for
/// the smooth ops here (inputs of order 1; ReLU inputs are kept at least 0.1 away from its kink, so a
/// +-h step never crosses it). A wrong backward (a missing term, a wrong transpose or factor) is off by
/// the size of the gradient itself, 0.1..1 here, far outside the tolerance.
/// </summary>
public static class GradCheck
{
    public const double Step = 1e-2;
    public const double AbsTolerance = 2e-3;
    public const double RelTolerance = 1e-2;

    /// <summary>
    /// Checks d(f)/d(input) for every input (leaves created by the caller with RequiresGrad = true).
    /// </summary>
    public static void Check(Device device, Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        foreach (var x in inputs) Assert.True(x.IsLeaf && x.RequiresGrad, "gradcheck inputs must be leaves that require grad");

        float[] weights;
        using (device.Scope())
        {
            var y = f(inputs);
            var rng = new Rng(1234);
            weights = Enumerable.Range(0, y.Count).Select(_ => rng.NextNormal()).ToArray();
            using var r = Tensor.FromArray(device, weights, y.Shape.ToArray());
            y.Backward(r);
        }
        Assert.Equal(0, device.Tape.NodeCount);

        foreach (var (x, index) in inputs.Select((x, i) => (x, i)))
        {
            Assert.NotNull(x.Grad);
            var analytic = x.Grad!.ToArray();
            Assert.True(analytic.Any(g => Math.Abs(g) > 1e-3), $"input {index} {x.Shape}: the analytic gradient is all zero, the check would be vacuous");
            var values = x.ToArray();
            for (int j = 0; j < values.Length; j++)
            {
                float saved = values[j];
                values[j] = (float)(saved + Step);
                double plus = Loss(device, f, inputs, x, values, weights);
                values[j] = (float)(saved - Step);
                double minus = Loss(device, f, inputs, x, values, weights);
                values[j] = saved;
                x.CopyFrom(values);
                // The perturbed points are float32 values; divide by the step actually taken.
                double numeric = (plus - minus) / ((double)(float)(saved + Step) - (float)(saved - Step));
                double err = Math.Abs(numeric - analytic[j]);
                Assert.True(err <= AbsTolerance + RelTolerance * Math.Abs(analytic[j]),
                    $"input {index} {x.Shape} element {j}: analytic {analytic[j]:G6}, numeric {numeric:G6} (error {err:G3})");
            }
        }
    }

    static double Loss(Device device, Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor x, float[] values, float[] weights)
    {
        x.CopyFrom(values);
        using var scope = device.Scope();
        using var noGrad = NoGrad.Scope();
        var y = f(inputs).ToArray();
        double sum = 0;
        for (int k = 0; k < y.Length; k++) sum += (double)weights[k] * y[k];
        return sum;
    }

    /// <summary>A caller-owned leaf with values drawn uniformly from [low, high) (and at least minAbs away from 0).</summary>
    public static Tensor Leaf(Device device, Rng rng, int[] dims, float low = -1f, float high = 1f, float minAbs = 0f)
    {
        int n = new Shape(dims).Count;
        var data = new float[n];
        for (int i = 0; i < n; i++)
        {
            float v;
            do v = low + (high - low) * rng.NextUniform(); while (Math.Abs(v) < minAbs);
            data[i] = v;
        }
        var t = Tensor.FromArray(device, data, dims);
        t.RequiresGrad = true;
        return t;
    }
}
