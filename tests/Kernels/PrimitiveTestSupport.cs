using NativeDsp.Kernels;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// Shared plumbing of the primitive-op tests: seeded random data, upload / download, a tolerance check
/// that reports the worst element, and central finite differences (in double, on the references).
/// </summary>
public static class PrimitiveTestSupport
{
    /// <summary>Single-precision unit roundoff, 2^-24.</summary>
    public const double FloatEps = 1.0 / (1 << 24);

    /// <summary>
    /// ILGPU's CPU accelerator runs ~200x slower than Host, so it gets only the shapes up to this many elements;
    /// the larger shapes are there to exercise Host's parallel paths (above HostParallel's 32k-element threshold).
    /// </summary>
    public const long IlgpuCpuMaxElements = 8192;

    public static bool Fits(string backend, long elements) => backend != "ilgpu-cpu" || elements <= IlgpuCpuMaxElements;

    /// <summary>Uniform floats in [lo, hi) from a seeded System.Random (reproducible).</summary>
    public static float[] RandomFloats(int n, int seed, float lo = -2f, float hi = 2f)
    {
        var random = new System.Random(seed);
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = lo + (hi - lo) * random.NextSingle();
        return data;
    }

    public static int[] RandomInts(int n, int seed, int exclusiveMax)
    {
        var random = new System.Random(seed);
        var data = new int[n];
        for (int i = 0; i < n; i++) data[i] = random.Next(exclusiveMax);
        return data;
    }

    public static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);

    public static DeviceBuffer<float> Upload(IKernels k, float[] data)
    {
        var buffer = k.Allocate(data.Length);
        buffer.CopyFrom(data);
        return buffer;
    }

    public static DeviceBuffer<int> Upload(IKernels k, int[] data)
    {
        var buffer = k.AllocateInt(data.Length);
        buffer.CopyFrom(data);
        return buffer;
    }

    public static float[] Download(IKernels k, DeviceBuffer<float> buffer)
    {
        k.Synchronize();
        return buffer.ToArray();
    }

    /// <summary>Asserts |actual - expected| &lt;= atol + rtol * |expected| element-wise, naming the worst element.</summary>
    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        int worst = -1;
        double worstRatio = 1;
        for (int i = 0; i < expected.Count; i++)
        {
            double allowed = atol + rtol * Math.Abs(expected[i]);
            double error = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(actual[i]) != double.IsNaN(expected[i]) || error / allowed > worstRatio)
            {
                worst = i;
                worstRatio = double.IsNaN(error) ? double.PositiveInfinity : error / allowed;
            }
        }
        if (worst >= 0)
            Assert.Fail($"{what}: element {worst} of {expected.Count} is {actual[worst]:R}, expected {expected[worst]:R} " +
                        $"(allowed {atol:G3} + {rtol:G3} * |expected|, error {worstRatio:G3} x allowed)");
    }

    /// <summary>
    /// For sums: |actual - expected| &lt;= 4 (sqrt(m) + 2) eps magnitude_i, where magnitude_i = sum of |terms| of element i
    /// and m is the number of terms. Float summation in any order errs by at most (m - 1) eps magnitude; for
    /// random data the errors add like a random walk, ~sqrt(m) eps magnitude, and the factor 4 covers the
    /// tail. A missing or doubled term (error ~ magnitude / m) is far outside this for m up to ~10^4.
    /// </summary>
    public static void AssertSumClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual, IReadOnlyList<double> magnitude, int terms, string what)
    {
        double factor = 4 * (Math.Sqrt(terms) + 2) * FloatEps;
        Assert.Equal(expected.Count, magnitude.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double allowed = factor * magnitude[i] + 1e-30;
            if (!(Math.Abs(actual[i] - expected[i]) <= allowed))
                Assert.Fail($"{what}: element {i} of {expected.Count} is {actual[i]:R}, expected {expected[i]:R} " +
                            $"(allowed {allowed:G3} for {terms} terms of total magnitude {magnitude[i]:G3})");
        }
    }

    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double atol, double rtol, string what) =>
        AssertClose(expected, actual.Select(v => (float)v).ToArray(), atol, rtol, what);

    /// <summary>
    /// Checks a reference backward against central differences of the reference forward, in double:
    /// for the scalar L(x) = sum_j dy_j f(x)_j, dL/dx_i ~ (L(x + h e_i) - L(x - h e_i)) / 2h. With h = 1e-5 the
    /// truncation error is ~h^2 |f'''| ~ 1e-10 and the rounding error ~1e-16 |L| / h ~ 1e-11, so the two must
    /// agree to 1e-6 (relative to the gradient's scale); a wrong term in a backward is off by O(1).
    /// </summary>
    public static void AssertGradient(Func<double[], double[]> forward, double[] x, double[] dy, double[] analytic, string what, double h = 1e-5)
    {
        Assert.Equal(x.Length, analytic.Length);
        double Loss(double[] input)
        {
            var y = forward(input);
            double l = 0;
            for (int j = 0; j < y.Length; j++) l += dy[j] * y[j];
            return l;
        }
        var numeric = new double[x.Length];
        var probe = (double[])x.Clone();
        for (int i = 0; i < x.Length; i++)
        {
            probe[i] = x[i] + h;
            double plus = Loss(probe);
            probe[i] = x[i] - h;
            double minus = Loss(probe);
            probe[i] = x[i];
            numeric[i] = (plus - minus) / (2 * h);
        }
        double scale = Math.Max(1.0, numeric.Max(Math.Abs));
        AssertClose(numeric, analytic, 1e-6 * scale, 1e-6, $"{what}: analytic vs finite-difference gradient");
    }
}
