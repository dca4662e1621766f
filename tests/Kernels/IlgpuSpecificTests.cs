using NativeDsp.Kernels;
using NativeDsp.Kernels.Ilgpu;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// The ILGPU kernels (on ILGPU's CPU accelerator) against the Host kernels on the paths that exist only
/// on the ILGPU side: rows longer than a thread group (several columns per thread), rows shorter than a
/// warp, both ReduceBroadcast strategies, MatMul grids of several tiles, atomics on repeated embedding
/// ids, and Philox draws that must be bit-identical. The Host kernels are themselves checked against
/// double-precision references by the per-op tests; here agreement with Host is the check.
///
/// Tolerance: both sides compute in float32 with different summation orders (a tree in shared memory
/// vs. SIMD lanes) over at most ~700 terms: the difference is a few ulp of the row's magnitude times
/// sqrt(terms), below 1e-6 relative for these sizes. We allow |ilgpu - host| &lt;= 2e-5 |host| + 2e-6 max|host|.
/// A wrong or missing term changes an element by at least ~1/cols of its row (1.4e-3 relative at 700),
/// far above that.
/// </summary>
public sealed class IlgpuSpecificTests
{
    static IKernels Host => TestBackends.Host;
    static IKernels Gpu => TestBackends.Get("ilgpu-cpu");

    [Theory]
    [InlineData(5, 1)]     // a row shorter than the smallest group
    [InlineData(3, 3)]
    [InlineData(4, 257)]   // one column past a power of two (and past CUDA's group of 256)
    [InlineData(2, 700)]   // several columns per thread
    public void RowKernelsAgreeWithHost(int rows, int cols)
    {
        var rng = new System.Random(rows * 1000 + cols);
        float[] x = Values(rng, rows * cols, 3f), dy = Values(rng, rows * cols, 1f), dx = Values(rng, rows * cols, 1f);
        float[] gamma = Values(rng, cols, 1f), beta = Values(rng, cols, 1f), dg = Values(rng, cols, 1f), dbt = Values(rng, cols, 1f);
        int[] targets = Enumerable.Range(0, rows).Select(r => r % 3 == 1 ? -100 : rng.Next(cols)).ToArray();

        Agree("SoftmaxForward", [x, new float[x.Length]], [], (k, f, _) => k.SoftmaxForward(f[0], f[1], rows, cols));
        Agree("SoftmaxForward in place", [x], [], (k, f, _) => k.SoftmaxForward(f[0], f[0], rows, cols));
        Agree("SoftmaxBackward", [Softmax(x, rows, cols), dy, dx], [], (k, f, _) => k.SoftmaxBackward(f[0], f[1], f[2], rows, cols));
        Agree("LogSoftmaxForward", [x, new float[x.Length]], [], (k, f, _) => k.LogSoftmaxForward(f[0], f[1], rows, cols));
        Agree("LogSoftmaxBackward", [LogSoftmax(x, rows, cols), dy, dx], [], (k, f, _) => k.LogSoftmaxBackward(f[0], f[1], f[2], rows, cols));
        Agree("ReduceRows", [x, new float[rows]], [], (k, f, _) => k.ReduceRows(f[0], f[1], rows, cols, 0.5f));
        Agree("CrossEntropyForward", [x, new float[rows], new float[rows]], [targets],
            (k, f, i) => k.CrossEntropyForward(f[0], i[0], f[1], f[2], rows, cols, -100, 0.1f));
        float[] lse = LogSumExp(x, rows, cols), dloss = Values(rng, rows, 1f);
        Agree("CrossEntropyBackward", [x, lse, dloss, dx], [targets],
            (k, f, i) => k.CrossEntropyBackward(f[0], i[0], f[1], f[2], f[3], rows, cols, -100, 0.1f));
        Agree("LayerNormForward", [x, gamma, beta, new float[x.Length], new float[rows], new float[rows]], [],
            (k, f, _) => k.LayerNormForward(f[0], f[1], f[2], f[3], f[4], f[5], rows, cols, 1e-5f));
        var (mean, rstd) = MeanRstd(x, rows, cols, 1e-5f);
        Agree("LayerNormBackward", [dy, x, gamma, mean, rstd, dx, dg, dbt], [],
            (k, f, _) => k.LayerNormBackward(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], rows, cols));
    }

    [Theory]
    [InlineData(40 * 7, 40, 1)]      // bias gradient, period >= 32: the column-sum kernel
    [InlineData(40 * 7 - 3, 40, 1)]  // the last row partial
    [InlineData(1000, 1, 1)]         // a total
    [InlineData(9 * 5, 9, 1)]        // period < 32: one group per output
    [InlineData(6 * 11 * 2, 6, 11)]  // inner > 1 (row scale gradient, repeated twice)
    [InlineData(300, 3, 50)]         // inner > 1 with outer = 2
    public void ReduceBroadcastAgreesWithHost(int n, int period, int inner)
    {
        var rng = new System.Random(n + period * 7 + inner * 131);
        float[] x = Values(rng, n, 1f), x2 = Values(rng, n, 1f), db = Values(rng, period, 1f);
        Agree("ReduceBroadcast", [x, db], [], (k, f, _) => k.ReduceBroadcast(f[0], null, f[1], n, period, inner, false));
        Agree("ReduceBroadcast x2 accumulate", [x, x2, db], [], (k, f, _) => k.ReduceBroadcast(f[0], f[1], f[2], n, period, inner, true));
    }

    [Theory]
    [InlineData(2, 70, 130, 20, false, false)] // 2 x 3 tiles of 64, two batch items
    [InlineData(1, 129, 65, 17, true, false)]
    [InlineData(1, 65, 129, 33, false, true)]
    [InlineData(2, 100, 66, 70, true, true)]
    public void MatMulOverSeveralTilesAgreesWithHost(int batch, int m, int n, int k, bool transA, bool transB)
    {
        var rng = new System.Random(m * n + k);
        float[] a = Values(rng, batch * m * k, 1f), b = Values(rng, k * n, 1f), c = Values(rng, batch * m * n, 1f);
        Agree("MatMul", [a, b, c], [], (kk, f, _) => kk.MatMul(f[0], f[1], f[2], batch, m, n, k, transA, transB, m * k, 0, m * n, 0.5f, -1f));
    }

    [Fact]
    public void EmbeddingBackwardAccumulatesRepeatedIds()
    {
        // Every id repeats many times, so threads of one launch add into the same row at once.
        int vocab = 5, count = 64, dim = 9;
        var rng = new System.Random(2);
        int[] ids = Enumerable.Range(0, count).Select(_ => rng.Next(vocab)).ToArray();
        float[] dy = Values(rng, count * dim, 1f), table = Values(rng, vocab * dim, 1f);
        Agree("EmbeddingBackward", [dy, table], [ids], (k, f, i) => k.EmbeddingBackward(f[0], i[0], f[1], count, dim));
        Agree("EmbeddingForward", [table, new float[count * dim]], [ids], (k, f, i) => k.EmbeddingForward(f[0], i[0], f[1], count, dim));
    }

    [Fact]
    public void RandomDrawsAreThePhiloxFunctions()
    {
        // The CPU accelerator runs the same float code as Host, so even Normal and Gumbel agree exactly.
        int n = 1003;
        ulong seed = 0x1234_5678_9ABCUL, offset = (1UL << 32) - 500; // the counter crosses a 32-bit word
        using var y = Gpu.Allocate(n);
        Gpu.FillUniform(y, n, seed, offset);
        var u = y.ToArray();
        Gpu.FillNormal(y, n, 0.5f, 2f, seed, offset);
        var z = y.ToArray();
        Gpu.FillGumbel(y, n, seed, offset);
        var g = y.ToArray();
        for (int i = 0; i < n; i++)
        {
            ulong index = offset + (ulong)i;
            Assert.Equal(Philox.Uniform(seed, index), u[i]);
            Assert.Equal(0.5f + 2f * Philox.Normal(seed, index), z[i]);
            Assert.Equal(Philox.Gumbel(seed, index), g[i]);
        }
    }

    [Fact]
    public void DropoutMaskIsIdenticalToHost()
    {
        int n = 777;
        var rng = new System.Random(4);
        float[] x = Values(rng, n, 1f), y = Values(rng, n, 1f);
        Agree("Dropout", [x, y], [], (k, f, _) => k.Dropout(f[0], f[1], n, 0.3f, 99, 12345, false), exact: true);
        Agree("Dropout accumulate", [x, y], [], (k, f, _) => k.Dropout(f[0], f[1], n, 0.3f, 99, 12345, true), exact: true);
    }

    [Fact]
    public void EmptyLaunchesDoNothing()
    {
        var k = Gpu;
        using var a = k.Allocate(4);
        using var b = k.Allocate(4);
        using var ids = k.AllocateInt(1);
        a.CopyFrom([1f, 2f, 3f, 4f]);
        k.Fill(a, 9f, 2, 0);
        k.Copy(a, 0, b, 0, 0, false);
        k.Binary(BinaryOp.Add, a, a, b, 0, 1, 1);
        k.MatMul(a, a, b, 0, 2, 2, 2, false, false, 4, 4, 4);
        k.MatMul(a, a, b, 1, 0, 2, 2, false, false, 0, 0, 0);
        k.SoftmaxForward(a, b, 0, 4);
        k.LayerNormForward(a, a, a, b, b, b, 0, 4, 1e-5f);
        k.EmbeddingForward(a, ids, b, 0, 2);
        k.FillNormal(a, 0, 0f, 1f, 1, 0);
        k.Synchronize();
        Assert.Equal([1f, 2f, 3f, 4f], a.ToArray());
    }

    [Fact]
    public void GroupSizesFitTheAccelerator()
    {
        var k = (IlgpuKernels)Gpu;
        int max = k.Accelerator.MaxNumThreadsPerGroup;
        Assert.True(max >= 256, $"CreateCpu must allow the 16 x 16 MatMul groups, allows {max}");
        Assert.InRange(k.RowGroupSize(1), 1, max);
        Assert.Equal(k.GroupSize, k.RowGroupSize(100_000));
        Assert.Equal(Math.Min(64, k.GroupSize), k.RowGroupSize(33));
        Assert.True(k.GroupSize >= 32, "the column-sum kernels want 32 neighbouring columns per group");
    }

    delegate void Op(IKernels kernels, DeviceBuffer<float>[] floats, DeviceBuffer<int>[] ints);

    /// <summary>Runs <paramref name="op"/> on both backends from the same inputs and compares every float buffer afterwards.</summary>
    static void Agree(string what, float[][] floats, int[][] ints, Op op, bool exact = false)
    {
        var expected = Run(Host, floats, ints, op);
        var actual = Run(Gpu, floats, ints, op);
        for (int bi = 0; bi < expected.Length; bi++)
        {
            float scale = expected[bi].Length == 0 ? 0f : expected[bi].Max(MathF.Abs);
            for (int i = 0; i < expected[bi].Length; i++)
            {
                float e = expected[bi][i], a = actual[bi][i];
                bool ok = exact ? e.Equals(a) : (float.IsNaN(e) ? float.IsNaN(a) : MathF.Abs(a - e) <= 2e-5f * MathF.Abs(e) + 2e-6f * scale);
                Assert.True(ok, $"{what}: buffer {bi} element {i}: ilgpu {a}, host {e}");
            }
        }
    }

    static float[][] Run(IKernels k, float[][] floats, int[][] ints, Op op)
    {
        var fb = floats.Select(v => { var b = k.Allocate(v.Length); b.CopyFrom(v); return b; }).ToArray();
        var ib = ints.Select(v => { var b = k.AllocateInt(v.Length); b.CopyFrom(v); return b; }).ToArray();
        try
        {
            op(k, fb, ib);
            return fb.Select(b => b.ToArray()).ToArray();
        }
        finally
        {
            foreach (var b in fb) b.Dispose();
            foreach (var b in ib) b.Dispose();
        }
    }

    static float[] Values(System.Random rng, int n, float scale) =>
        Enumerable.Range(0, n).Select(_ => (rng.NextSingle() * 2f - 1f) * scale).ToArray();

    static float[] LogSumExp(float[] x, int rows, int cols) =>
        Enumerable.Range(0, rows).Select(r =>
        {
            double max = Enumerable.Range(0, cols).Max(c => (double)x[r * cols + c]);
            return (float)(max + Math.Log(Enumerable.Range(0, cols).Sum(c => Math.Exp(x[r * cols + c] - max))));
        }).ToArray();

    static float[] LogSoftmax(float[] x, int rows, int cols)
    {
        var lse = LogSumExp(x, rows, cols);
        return x.Select((v, i) => v - lse[i / cols]).ToArray();
    }

    static float[] Softmax(float[] x, int rows, int cols) => LogSoftmax(x, rows, cols).Select(MathF.Exp).ToArray();

    static (float[] Mean, float[] Rstd) MeanRstd(float[] x, int rows, int cols, float eps)
    {
        var mean = new float[rows];
        var rstd = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            double m = Enumerable.Range(0, cols).Average(c => (double)x[r * cols + c]);
            double v = Enumerable.Range(0, cols).Average(c => (x[r * cols + c] - m) * (x[r * cols + c] - m));
            mean[r] = (float)m;
            rstd[r] = (float)(1 / Math.Sqrt(v + eps));
        }
        return (mean, rstd);
    }
}
