using NativeDsp.Kernels;
using NativeDsp.Kernels.Host;
using NativeDsp.Tests.References;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// <see cref="IKernels.MatMul"/> on every backend against <see cref="MatMulReference"/> (double precision).
///
/// Tolerance: every element is a float32 dot product of length k, accumulated in some order that
/// differs between kernels (blocked over KC, split over vector lanes), then scaled by alpha and added
/// to beta * C. Each of the k accumulation steps and the 2 final operations rounds with relative error
/// at most eps = 2^-24 of a partial sum bounded by the magnitude M = |alpha| sum_p |a_ip b_pj| + |beta c_ij|.
/// The worst case is (k + 2) eps M, but rounding errors of independent random data add like a random
/// walk, ~sqrt(k) eps M; we allow 4 (sqrt(k) + 2) eps M, which no correct summation order exceeds in
/// practice for these sizes, while a wrong or missing term (an error of order M / k, 1e-3 M at k = 1024)
/// is still hundreds of times larger than the allowance.
/// </summary>
public class MatMulTests
{
    const double Eps = 1.0 / (1 << 24);

    static double Tolerance(int k) => 4 * (Math.Sqrt(k) + 2) * Eps;

    /// <summary>
    /// Shapes (m, n, k): odd sizes, and sizes one past each tile of the Host GEMM at the backend's vector
    /// width (its register tile and cache blocks differ per width).
    /// </summary>
    static (int M, int N, int K)[] Shapes(GemmBlockSizes s) =>
    [
        (1, 1, 1), (3, 5, 7), (1, 64, 33), (40, 1, 17), (17, 33, 65), (64, 64, 64),
        (127, 129, 31), (s.MR + 1, s.NR + 1, s.KC + 1), (s.MC + 1, 2 * s.NR + 3, 300), (2 * s.MC + s.MR + 3, 97, 2 * s.KC + 5),
        (1, 300, 500), (260, s.NC + 17, 40), (5, 2 * s.NR + 1, 700), (2 * s.MR + 1, 3, 64),
        // Few rows and long k: on 2+ threads the partition cuts C's columns, not its rows (each thread packs A).
        (s.MR + 1, 8 * s.NR, 4096),
    ];

    /// <summary>The block sizes of a Host backend; ILGPU gets the hardware width's (only its small shapes run).</summary>
    static GemmBlockSizes SizesOf(string backend) =>
        TestBackends.IsHost(backend) ? ((HostKernels)TestBackends.Get(backend)).GemmSizes : GemmBlockSizes.For(VectorWidths.Hardware);

    /// <summary>ILGPU's CPU accelerator is ~200x slower than Host: it gets the shapes up to 64.</summary>
    static bool Fits(string backend, int m, int n, int k) => TestBackends.IsHost(backend) || Math.Max(m, Math.Max(n, k)) <= 64;

    public static TheoryData<string, int, int, int, bool, bool> ShapeCases()
    {
        var data = new TheoryData<string, int, int, int, bool, bool>();
        foreach (var backend in TestBackends.All)
            foreach (var (m, n, k) in Shapes(SizesOf(backend)))
                if (Fits(backend, m, n, k))
                    foreach (bool ta in new[] { false, true })
                        foreach (bool tb in new[] { false, true })
                            data.Add(backend, m, n, k, ta, tb);
        return data;
    }

    public static TheoryData<string, bool, bool> TransposeCases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var backend in TestBackends.All)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    data.Add(backend, ta, tb);
        return data;
    }

    [Theory, MemberData(nameof(ShapeCases))]
    public void MatchesReference(string backend, int m, int n, int k, bool transA, bool transB)
    {
        var kernels = TestBackends.Get(backend);
        var rng = new Random(((m * 1009 + n) * 1013 + k) * 4 + (transA ? 1 : 0) + (transB ? 2 : 0));
        var c = Filled(m * n, float.NaN); // beta = 0: C must not be read
        Check(kernels, RandomValues(rng, m * k), RandomValues(rng, k * n), c, 1, m, n, k, transA, transB, 0, 0, 0, 1f, 0f);
    }

    [Theory, MemberData(nameof(TransposeCases))]
    public void BatchedWithBroadcastWeightsAndGaps(string backend, bool transA, bool transB)
    {
        // strideB = 0 shares one B over the batch (a weight matrix); strideC leaves a gap after each
        // item, which must keep its sentinel value; C items are NaN and beta = 0 must not read them.
        var kernels = TestBackends.Get(backend);
        int batch = 3, m = 19, n = 37, k = 23, gap = 5;
        var rng = new Random(7 + (transA ? 1 : 0) + (transB ? 2 : 0));
        long strideC = m * n + gap;
        var c = Filled((int)(batch * strideC), 12345f);
        for (int item = 0; item < batch; item++) Array.Fill(c, float.NaN, (int)(item * strideC), m * n);
        Check(kernels, RandomValues(rng, batch * m * k), RandomValues(rng, k * n), c, batch, m, n, k, transA, transB,
              m * k, 0, strideC, 0.75f, 0f);
    }

    [Theory, MemberData(nameof(TransposeCases))]
    public void BroadcastLeftOperandAndAccumulate(string backend, bool transA, bool transB)
    {
        // strideA = 0 with beta = 1 and alpha != 1: C += -2 * A * B[b] (a gradient accumulated per item).
        var kernels = TestBackends.Get(backend);
        int batch = 4, m = 9, n = 21, k = 40;
        var rng = new Random(11 + (transA ? 1 : 0) + (transB ? 2 : 0));
        Check(kernels, RandomValues(rng, m * k), RandomValues(rng, batch * k * n), RandomValues(rng, batch * m * n), batch, m, n, k, transA, transB,
              0, k * n, m * n, -2f, 1f);
    }

    public static TheoryData<string, int, int, int> AttentionCases()
    {
        // (batch * heads, T, d): below the packing threshold on one thread, below it on all threads
        // (items split over threads), and packed with the batch split over threads.
        var data = new TheoryData<string, int, int, int>();
        foreach (var backend in TestBackends.All)
            foreach (var (batch, t, d) in new[] { (24, 13, 8), (64, 15, 6), (16, 20, 16) })
                data.Add(backend, batch, t, d);
        return data;
    }

    [Theory, MemberData(nameof(AttentionCases))]
    public void ManySmallBatchedProductsLikeAttention(string backend, int batch, int t, int d)
    {
        // Scores = Q K^T / sqrt(d) for batch * heads items of [T, d] x [d, T], then scores x V.
        var kernels = TestBackends.Get(backend);
        var rng = new Random(batch * 1000 + t * 10 + d);
        Check(kernels, RandomValues(rng, batch * t * d), RandomValues(rng, batch * t * d), Filled(batch * t * t, float.NaN),
              batch, t, t, d, false, true, t * d, t * d, t * t, 1f / MathF.Sqrt(d), 0f);
        Check(kernels, RandomValues(rng, batch * t * t), RandomValues(rng, batch * t * d), Filled(batch * t * d, float.NaN),
              batch, t, d, t, false, false, t * t, t * d, t * d, 1f, 0f);
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void BetaScalesWithoutProducts(string backend)
    {
        // k = 0: C = beta * C (an empty sum), and with beta = 0 even NaN becomes 0.
        var kernels = TestBackends.Get(backend);
        var rng = new Random(5);
        Check(kernels, new float[1], new float[1], RandomValues(rng, 6 * 7), 1, 6, 7, 0, false, false, 0, 0, 0, 1f, 0.5f);
        Check(kernels, new float[1], new float[1], Filled(6 * 7, float.NaN), 1, 6, 7, 0, false, false, 0, 0, 0, 1f, 0f);
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void BadShapesThrowNamingTheOp(string backend)
    {
        var kernels = TestBackends.Get(backend);
        using var a = kernels.Allocate(6);
        using var b = kernels.Allocate(6);
        using var c = kernels.Allocate(4);
        // A is 2x3, B is 3x2 -> C 2x2 fits; claiming k = 4 needs 8 elements of A.
        var error = Assert.ThrowsAny<ArgumentException>(() => kernels.MatMul(a, b, c, 1, 2, 2, 4, false, false, 0, 0, 0));
        Assert.Contains("MatMul", error.Message);
        Assert.Contains("[2, 4]", error.Message);
        // Two batch items written to the same C.
        error = Assert.ThrowsAny<ArgumentException>(() => kernels.MatMul(a, b, c, 2, 2, 2, 1, false, false, 2, 2, 0));
        Assert.Contains("MatMul", error.Message);
    }

    [Fact]
    public void HostBatchOfLargeItemsSplitsEachIntoTiles()
    {
        // Two items of > 2^21 multiply-adds: Host runs them one after the other, each cut into tiles over
        // the threads (not one item per thread); with strideB = 0 and beta = 1. Host only: too large for ILGPU-CPU.
        int batch = 2, m = 130, n = 140, k = 120;
        var rng = new Random(23);
        Check(TestBackends.Host, RandomValues(rng, batch * m * k), RandomValues(rng, k * n), RandomValues(rng, batch * m * n),
              batch, m, n, k, true, false, m * k, 0, m * n, 1f, 1f);
    }

    [Fact]
    public void NaiveBaselineMatchesReference()
    {
        // The benchmark baseline must compute the same product, or its speed-up means nothing.
        var host = TestBackends.Host;
        foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            int batch = 2, m = 23, n = 45, k = 31;
            var rng = new Random(17);
            float[] a = RandomValues(rng, batch * m * k), b = RandomValues(rng, k * n), c = RandomValues(rng, batch * m * n);
            var (expected, magnitude) = MatMulReference.Run(a, b, c, batch, m, n, k, ta, tb, m * k, 0, m * n, 1.5f, 0.5f);
            using var da = Upload(host, a);
            using var db = Upload(host, b);
            using var dc = Upload(host, c);
            host.MatMulNaive(da, db, dc, batch, m, n, k, ta, tb, m * k, 0, m * n, 1.5f, 0.5f);
            AssertClose(expected, magnitude, dc.ToArray(), k, $"naive transA={ta} transB={tb}");
        }
    }

    static void Check(IKernels kernels, float[] a, float[] b, float[] c, int batch, int m, int n, int k,
                      bool transA, bool transB, long strideA, long strideB, long strideC, float alpha, float beta)
    {
        var (expected, magnitude) = MatMulReference.Run(a, b, c, batch, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta);
        using var da = Upload(kernels, a);
        using var db = Upload(kernels, b);
        using var dc = Upload(kernels, c);
        kernels.MatMul(da, db, dc, batch, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta);
        AssertClose(expected, magnitude, dc.ToArray(), k,
            $"{kernels.Kind} batch {batch} m {m} n {n} k {k} transA {transA} transB {transB} alpha {alpha} beta {beta}");
    }

    static void AssertClose(double[] expected, double[] magnitude, float[] actual, int k, string what)
    {
        double tolerance = Tolerance(k);
        for (int i = 0; i < expected.Length; i++)
        {
            bool ok = double.IsNaN(expected[i])
                ? float.IsNaN(actual[i])
                : Math.Abs(actual[i] - expected[i]) <= tolerance * magnitude[i];
            Assert.True(ok, $"{what}: element {i} is {actual[i]}, expected {expected[i]} (magnitude {magnitude[i]:G3}, tolerance {tolerance * magnitude[i]:G3})");
        }
    }

    static DeviceBuffer<float> Upload(IKernels kernels, float[] values)
    {
        var buffer = kernels.Allocate(values.Length);
        buffer.CopyFrom(values);
        return buffer;
    }

    static float[] RandomValues(Random rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = rng.NextSingle() * 2f - 1f;
        return values;
    }

    static float[] Filled(int count, float value)
    {
        var values = new float[count];
        Array.Fill(values, value);
        return values;
    }
}
