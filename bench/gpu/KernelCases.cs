using NativeDsp.Kernels;
using NativeDsp.Kernels.Ilgpu;

namespace NativeDsp.GpuCheck;

/// <summary>
/// Every <see cref="IKernels"/> op, forward and backward, on fresh random inputs of several shapes (odd sizes
/// included), run through <see cref="KernelAgreement"/>. <see cref="CheckPlan.Tiny"/> keeps the first, smallest
/// shapes of each op (the dry run on ILGPU's CPU accelerator); the full plan adds shapes of the sizes a GPU
/// step uses (rows of 768 and 30522, GEMMs of 1024, attention at 12 x 128 x 64). Inputs are drawn from a
/// seeded generator, so a failure is reproducible from its op and shape.
/// The file holds the primitives; <c>KernelCases.Fused.cs</c> holds attention and the pruning ops.
/// </summary>
public sealed partial class KernelCases(KernelAgreement agree, IKernels host, bool tiny, int seed)
{
    readonly Random rng = new(seed);

    /// <summary>Runs every case.</summary>
    public void RunAll()
    {
        Copies();
        MatMul();
        ElementWise();
        Rows();
        EmbeddingAndAdam();
        GradientClip();
        RandomFills();
        Attention();
        Pruning();
    }

    T[] Pick<T>(T[] all, int tinyCount) => tiny ? all[..Math.Min(tinyCount, all.Length)] : all;

    float[] Values(int n, float scale = 1f)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (rng.NextSingle() * 2f - 1f) * scale;
        return v;
    }

    int[] Ints(int n, int max) => Enumerable.Range(0, n).Select(_ => rng.Next(max)).ToArray();

    void Copies()
    {
        foreach (var n in Pick(new[] { 1, 37, 4099, 1 << 20 }, 2))
        {
            float[] x = Values(n), y = Values(n);
            int off = n / 3, count = n - off;
            agree.Agree("Fill", $"n={n}", [y], [], (k, f, _, _) => k.Fill(f[0], 2.5f, off, count), Tolerance.Bitwise);
            agree.Agree("Copy", $"n={n}", [x, y], [], (k, f, _, _) => k.Copy(f[0], 0, f[1], off, count, false), Tolerance.Bitwise);
            agree.Agree("Copy accumulate", $"n={n}", [x, y], [], (k, f, _, _) => k.Copy(f[0], off, f[1], 0, count, true), Tolerance.Bitwise);
        }
        foreach (var (rows, cols) in Pick(new[] { (3, 5), (17, 33), (300, 2304) }, 2))
        {
            float[] src = Values(rows * (cols + 7)), dst = Values(rows * (cols + 3));
            agree.Agree("Copy2D", $"{rows}x{cols}", [src, dst], [], (k, f, _, _) => k.Copy2D(f[0], 2, cols + 7, f[1], 1, cols + 3, rows, cols, false), Tolerance.Bitwise);
            agree.Agree("Copy2D accumulate", $"{rows}x{cols}", [src, dst], [], (k, f, _, _) => k.Copy2D(f[0], 0, cols + 7, f[1], 3, cols + 3, rows, cols, true), Tolerance.Bitwise);
        }
        foreach (var (d0, d1, d2, d3) in Pick(new[] { (2, 3, 5, 4), (3, 7, 5, 9), (32, 128, 12, 64) }, 2))
        {
            int n = d0 * d1 * d2 * d3;
            float[] x = Values(n), y = Values(n);
            agree.Agree("SwapAxes12", $"{d0}x{d1}x{d2}x{d3}", [x, y], [], (k, f, _, _) => k.SwapAxes12(f[0], f[1], d0, d1, d2, d3, false), Tolerance.Bitwise);
            agree.Agree("SwapAxes12 accumulate", $"{d0}x{d1}x{d2}x{d3}", [x, y], [], (k, f, _, _) => k.SwapAxes12(f[0], f[1], d0, d1, d2, d3, true), Tolerance.Bitwise);
        }
    }

    void MatMul()
    {
        // (batch, m, n, k, broadcast B, alpha, beta): odd sizes, sizes one past a 64 tile, attention-head
        // batches (the MT model's T = 20 scores with the 1/sqrt(D) scale, the timed 384 heads of T = 32, D = 64,
        // BERT's T = 128), the classifier's 32 x 3 x 768, and a square product of the benchmarked kind.
        var shapes = Pick(new[]
        {
            (1, 3, 5, 7, false, 1f, 0f), (2, 17, 33, 9, true, 0.5f, -1f), (1, 1, 1, 1, false, 1f, 0f),
            (24, 20, 20, 64, false, 0.125f, 0f), (384, 32, 32, 64, false, 1f, 0f), (1, 32, 3, 768, false, 1f, 0f),
            (1, 65, 129, 33, false, 1f, 0f), (3, 70, 130, 20, true, 0.5f, -1f), (48, 128, 128, 64, false, 1f, 0f),
            (1, 300, 257, 513, false, 1f, 1f), (1, 1024, 1024, 1024, false, 1f, 0f),
        }, 2);
        // On ILGPU the shapes run three times: as MatMul picks the kernel, and with the 128 x 128 and the 32 x 32
        // tiles forced, so that each meets the shapes Auto gives to another kernel too (odd small shapes, 1024^3).
        // On a CUDA device of compute capability 8.0+ they run a fourth time on the TF32 tensor cores (opt-in, never on the
        // CPU accelerator: the dry run cannot reach it), against Host's float32 at TF32's allowance.
        var tilings = agree.Checked is IlgpuKernels g
            ? (g.SupportsTf32TensorCores
                ? new[] { IlgpuGemmTiling.Auto, IlgpuGemmTiling.Tiles128, IlgpuGemmTiling.Tiles32, IlgpuGemmTiling.Tf32TensorCores }
                : [IlgpuGemmTiling.Auto, IlgpuGemmTiling.Tiles128, IlgpuGemmTiling.Tiles32])
            : [IlgpuGemmTiling.Auto];
        foreach (var tiling in tilings)
        foreach (var (batch, m, n, k, broadcastB, alpha, beta) in shapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                {
                    if (m * n * (long)k > 1 << 24 && (ta || tb)) continue; // the transposes are covered by the smaller shapes
                    float[] a = Values(batch * m * k), b = Values((broadcastB ? 1 : batch) * k * n), c = Values(batch * m * n);
                    long sb = broadcastB ? 0 : (long)k * n;
                    var allowed = GemmAllowance(a, b, c, batch, m, n, k, ta, tb, sb, alpha, beta, tiling == IlgpuGemmTiling.Tf32TensorCores);
                    string op = tiling switch
                    {
                        IlgpuGemmTiling.Auto => "MatMul",
                        IlgpuGemmTiling.Tiles128 => "MatMul (128 tiles forced)",
                        IlgpuGemmTiling.Tiles32 => "MatMul (32 tiles forced)",
                        _ => "MatMul (TF32 tensor cores)",
                    };
                    agree.Agree(op, $"b={batch} m={m} n={n} k={k} {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} alpha={alpha} beta={beta}",
                        [a, b, c], [], (kk, f, _, _) => WithTiling(kk, tiling, () => kk.MatMul(f[0], f[1], f[2], batch, m, n, k, ta, tb, (long)m * k, sb, (long)m * n, alpha, beta)),
                        Tolerance.Sums, perBuffer: [Tolerance.Bitwise, Tolerance.Bitwise, new Tolerance(0, 0, Allowed: allowed)]);
                }
        // Split-k (the 128 x 128 kernel with up to 3 k slices of whole 8-deep panels, a partial pass and an ordered
        // reduction), forced on every shape with more than one panel; Auto splits only where the tiles leave SMs idle.
        if (agree.Checked is not IlgpuKernels) return;
        foreach (var (batch, m, n, k, broadcastB, alpha, beta) in shapes)
        {
            if (k <= 8) continue;
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                {
                    if (m * n * (long)k > 1 << 24 && (ta || tb)) continue;
                    float[] a = Values(batch * m * k), b = Values((broadcastB ? 1 : batch) * k * n), c = Values(batch * m * n);
                    long sb = broadcastB ? 0 : (long)k * n;
                    var allowed = GemmAllowance(a, b, c, batch, m, n, k, ta, tb, sb, alpha, beta, tf32: false);
                    agree.Agree("MatMul (128 tiles, 3 k slices forced)", $"b={batch} m={m} n={n} k={k} {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} alpha={alpha} beta={beta}",
                        [a, b, c], [], (kk, f, _, _) => WithIlgpuChoice(kk, g => { g.GemmTiling = IlgpuGemmTiling.Tiles128; g.GemmKSplits = 3; },
                            g => { g.GemmTiling = IlgpuGemmTiling.Auto; g.GemmKSplits = 0; },
                            () => kk.MatMul(f[0], f[1], f[2], batch, m, n, k, ta, tb, (long)m * k, sb, (long)m * n, alpha, beta)),
                        Tolerance.Sums, perBuffer: [Tolerance.Bitwise, Tolerance.Bitwise, new Tolerance(0, 0, Allowed: allowed)]);
                }
        }
    }

    /// <summary>Runs <paramref name="call"/> with the GEMM kernel choice set on an ILGPU backend (Host has one GEMM), then restores Auto.</summary>
    static void WithTiling(IKernels k, IlgpuGemmTiling tiling, Action call) =>
        WithIlgpuChoice(k, g => g.GemmTiling = tiling, g => g.GemmTiling = IlgpuGemmTiling.Auto, call);

    /// <summary>
    /// Runs <paramref name="call"/> with a kernel choice made by <paramref name="choose"/> on an ILGPU backend, then
    /// puts the default back with <paramref name="restore"/> even when the call throws; any other backend runs it as is.
    /// </summary>
    static void WithIlgpuChoice(IKernels k, Action<IlgpuKernels> choose, Action<IlgpuKernels> restore, Action call)
    {
        if (k is not IlgpuKernels ilgpu)
        {
            call();
            return;
        }
        choose(ilgpu);
        try
        {
            call();
        }
        finally
        {
            restore(ilgpu);
        }
    }

    /// <summary>
    /// 8 (sqrt(k) + 2) eps M_ij with M = |alpha| |op(A)| |op(B)| + |beta| |C| (MatMulTests' bound, once per side),
    /// M computed by the Host GEMM on absolute values. <paramref name="tf32"/> adds TF32's input rounding: each of a and b
    /// rounded to nearest with a 10-bit mantissa is off by at most 2^-11 relative, so a product by at most 2^-10 + 2^-22,
    /// and a sum of products by 2^-10 M (the float32 accumulation is in the first term).
    /// </summary>
    float[] GemmAllowance(float[] a, float[] b, float[] c, int batch, int m, int n, int k, bool ta, bool tb, long sb, float alpha, float beta,
                          bool tf32 = false)
    {
        using var ab = host.Allocate(a.Length);
        using var bb = host.Allocate(b.Length);
        using var cb = host.Allocate(c.Length);
        ab.CopyFrom(a.Select(MathF.Abs).ToArray());
        bb.CopyFrom(b.Select(MathF.Abs).ToArray());
        cb.CopyFrom(c.Select(MathF.Abs).ToArray());
        host.MatMul(ab, bb, cb, batch, m, n, k, ta, tb, (long)m * k, sb, (long)m * n, Math.Abs(alpha), Math.Abs(beta));
        double factor = 8 * (Math.Sqrt(k) + 2) / (1 << 24) + (tf32 ? 1.0 / 1024 + 1.0 / (1 << 22) : 0);
        return cb.ToArray().Select(v => (float)(factor * v)).ToArray();
    }

    void ElementWise()
    {
        foreach (var (n, period, inner) in Pick(new[] { (60, 5, 1), (6 * 11 * 2, 6, 11), (40 * 7 - 3, 40, 1), (4096 * 768, 768, 1), (1000, 1, 1) }, 2))
        {
            float[] a = Values(n), b = Values(period, 2f), y = Values(n), x2 = Values(n), db = Values(period);
            for (int i = 0; i < b.Length; i++) if (Math.Abs(b[i]) < 0.1f) b[i] = 0.5f; // Div: keep away from 0
            foreach (var op in Enum.GetValues<BinaryOp>())
                agree.Agree($"Binary {op}", $"n={n} period={period} inner={inner}", [a, b, y], [], (k, f, _, _) => k.Binary(op, f[0], f[1], f[2], n, period, inner), Tolerance.Sums);
            agree.Agree("ReduceBroadcast", $"n={n} period={period} inner={inner}", [a, db], [], (k, f, _, _) => k.ReduceBroadcast(f[0], null, f[1], n, period, inner, false), Tolerance.Sums);
            agree.Agree("ReduceBroadcast x2 accumulate", $"n={n} period={period} inner={inner}", [a, x2, db], [], (k, f, _, _) => k.ReduceBroadcast(f[0], f[1], f[2], n, period, inner, true), Tolerance.Sums);
            agree.Agree("ScaleShift", $"n={n}", [a, y], [], (k, f, _, _) => k.ScaleShift(f[0], f[1], n, -1.5f, 0.25f), Tolerance.Sums);
            agree.Agree("Axpy", $"n={n}", [a, y], [], (k, f, _, _) => k.Axpy(0.75f, f[0], f[1], n), Tolerance.Sums);
            foreach (var act in Enum.GetValues<Activation>())
            {
                float[] x = Values(n, 4f), dy = Values(n), dx = Values(n);
                // ActivationTests: 2e-6 absolute + 4 eps relative per side.
                var t = new Tolerance(8.0 / (1 << 24), 0, 4e-6);
                agree.Agree($"ActivationForward {act}", $"n={n}", [x, y], [], (k, f, _, _) => k.ActivationForward(act, f[0], f[1], n), t);
                agree.Agree($"ActivationBackward {act}", $"n={n}", [x, dy, dx], [], (k, f, _, _) => k.ActivationBackward(act, f[0], f[1], f[2], n), t);
            }
            agree.Agree("Dropout", $"n={n} p=0.1", [a, y], [], (k, f, _, _) => k.Dropout(f[0], f[1], n, 0.1f, 7, 1234, false), Tolerance.Bitwise);
            agree.Agree("Dropout accumulate", $"n={n} p=0.3", [a, y], [], (k, f, _, _) => k.Dropout(f[0], f[1], n, 0.3f, 9, (1UL << 32) - 7, true), Tolerance.Bitwise);
        }
    }

    void Rows()
    {
        foreach (var (rows, cols) in Pick(new[] { (3, 5), (2, 33), (1, 1), (17, 257), (64, 1000), (4096, 768), (7, 30522) }, 2))
        {
            int n = rows * cols;
            float[] x = Values(n, 4f), dy = Values(n), dx = Values(n), y = new float[n];
            float[] soft = HostOutput(x, n, (k, xb, yb) => k.SoftmaxForward(xb, yb, rows, cols));
            float[] logSoft = HostOutput(x, n, (k, xb, yb) => k.LogSoftmaxForward(xb, yb, rows, cols));
            string s = $"{rows}x{cols}";
            agree.Agree("SoftmaxForward", s, [x, y], [], (k, f, _, _) => k.SoftmaxForward(f[0], f[1], rows, cols), Tolerance.Sums);
            agree.Agree("SoftmaxBackward", s, [soft, dy, dx], [], (k, f, _, _) => k.SoftmaxBackward(f[0], f[1], f[2], rows, cols), Tolerance.Sums);
            agree.Agree("LogSoftmaxForward", s, [x, y], [], (k, f, _, _) => k.LogSoftmaxForward(f[0], f[1], rows, cols), Tolerance.Sums);
            agree.Agree("LogSoftmaxBackward", s, [logSoft, dy, dx], [], (k, f, _, _) => k.LogSoftmaxBackward(f[0], f[1], f[2], rows, cols), Tolerance.Sums);
            agree.Agree("ReduceRows", s, [x, new float[rows]], [], (k, f, _, _) => k.ReduceRows(f[0], f[1], rows, cols, 0.5f), Tolerance.Sums);

            int[] targets = Enumerable.Range(0, rows).Select(r => r % 3 == 1 ? -100 : rng.Next(cols)).ToArray();
            float[] lse = LogSumExp(x, rows, cols), dloss = Values(rows);
            agree.Agree("CrossEntropyForward", s, [x, new float[rows], new float[rows]], [targets],
                (k, f, i, _) => k.CrossEntropyForward(f[0], i[0], f[1], f[2], rows, cols, -100, 0.1f), Tolerance.Sums);
            agree.Agree("CrossEntropyBackward", s, [x, lse, dloss, dx], [targets],
                (k, f, i, _) => k.CrossEntropyBackward(f[0], i[0], f[1], f[2], f[3], rows, cols, -100, 0.1f), Tolerance.Sums);

            float[] shifted = x.Select(v => v + 3f).ToArray(); // a non-zero mean
            float[] gamma = Values(cols), beta = Values(cols), dg = Values(cols), dbt = Values(cols);
            var (mean, rstd) = MeanRstd(shifted, rows, cols, 1e-5f);
            agree.Agree("LayerNormForward", s, [shifted, gamma, beta, y, new float[rows], new float[rows]], [],
                (k, f, _, _) => k.LayerNormForward(f[0], f[1], f[2], f[3], f[4], f[5], rows, cols, 1e-5f), Tolerance.Sums);
            agree.Agree("LayerNormBackward", s, [dy, shifted, gamma, mean, rstd, dx, dg, dbt], [],
                (k, f, _, _) => k.LayerNormBackward(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], rows, cols), Tolerance.Sums);
        }
    }

    void EmbeddingAndAdam()
    {
        foreach (var (vocab, count, dim) in Pick(new[] { (5, 7, 3), (11, 64, 9), (30522, 4096, 768) }, 2))
        {
            int[] ids = Ints(count, Math.Min(vocab, 50)); // repeated ids: the backward's atomics collide
            float[] table = Values(vocab * dim), y = Values(count * dim), dy = Values(count * dim);
            string s = $"vocab={vocab} count={count} dim={dim}";
            agree.Agree("EmbeddingForward", s, [table, y], [ids], (k, f, i, _) => k.EmbeddingForward(f[0], i[0], f[1], count, dim), Tolerance.Bitwise);
            agree.Agree("EmbeddingBackward", s, [dy, table], [ids], (k, f, i, _) => k.EmbeddingBackward(f[0], i[0], f[1], count, dim), Tolerance.Sums);
        }
        foreach (var n in Pick(new[] { 7, 1000, 1 << 20 }, 1))
            foreach (var (decoupled, t) in new[] { (true, 1), (false, 7) })
            {
                float[] p = Values(n), g = Values(n), m = Values(n, 0.1f), v = Values(n).Select(e => e * e).ToArray();
                // AdamTests: 16 eps per step relative, per side.
                agree.Agree("AdamUpdate", $"n={n} decoupled={decoupled} t={t}", [p, g, m, v], [],
                    (k, f, _, _) => k.AdamUpdate(f[0], f[1], f[2], f[3], n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, t),
                    new Tolerance(32.0 * t / (1 << 24), 1e-7));
            }
        // All parameters in one launch: tensors of odd lengths at chunk-aligned offsets, three groups (decayed, constant
        // rate, plain), one tensor inactive; the padding must stay as it was. Same allowance as AdamUpdate.
        var lengths = Pick(new[] { new[] { 7, 0, 1, MultiTensorLayout.ChunkSize + 1, 33 }, Enumerable.Range(0, 200).Select(i => 1 + i * 977 % 5000).ToArray() }, 1);
        foreach (var tensorLengths in lengths)
            foreach (var (decoupled, t) in new[] { (true, 1), (false, 7) })
            {
                using var probe = new MultiTensorLayout(host, tensorLengths);
                int n = probe.Length;
                float[] p = Values(n), g = Values(n), m = Values(n, 0.1f), v = Values(n).Select(e => e * e).ToArray();
                agree.Agree("AdamUpdateMultiTensor", $"{tensorLengths.Length} tensors, {n} floats decoupled={decoupled} t={t}", [p, g, m, v], [],
                    (k, f, _, _) =>
                    {
                        using var layout = new MultiTensorLayout(k, tensorLengths);
                        for (int s = 0; s < tensorLengths.Length; s++)
                            layout.SetTensor(s, active: s != 2, constantRate: s % 3 == 1, s % 3 == 1 ? 0.5f : 1e-3f, s % 3 == 0 ? 0.01f : 0f);
                        k.AdamUpdateMultiTensor(f[0], f[1], f[2], f[3], layout, 0.7f, 0.9f, 0.999f, 1e-8f, decoupled, t);
                    },
                    new Tolerance(32.0 * t / (1 << 24), 1e-7));
            }
    }

    /// <summary>
    /// The ops of global-norm clipping: the sum of squares at odd lengths up to BERT-base's word embedding (23.4 M floats;
    /// the flat gradient buffer of all 109.5 M is timed, not checked, to keep the check's host side short), overwritten and
    /// accumulated, and the factor below and above the maximum.
    /// </summary>
    void GradientClip()
    {
        foreach (var n in Pick(new[] { 1, 1025, (1 << 20) + 3, 30522 * 768 + 5 }, 2))
        {
            float[] x = Values(n, 3f);
            // SumOfSquaresTests: squares >= 0 added with chains of at most 1041 + n / 65536 additions per side, each 2^-24.
            var t = new Tolerance(2 * (1041 + n / 65536.0) / (1 << 24), 0);
            agree.Agree("SumOfSquares", $"n={n}", [x, [0.5f]], [], (k, f, _, _) => k.SumOfSquares(f[0], n, f[1], false), t);
            agree.Agree("SumOfSquares accumulate", $"n={n}", [x, [0.5f]], [], (k, f, _, _) => k.SumOfSquares(f[0], n, f[1], true), t);
        }
        foreach (var (sumSquares, maxNorm) in new[] { (25f, 1f), (0.25f, 1f) })
            // ClipScaleTests: one square root and one division, 1e-6 relative per side.
            agree.Agree("ClipScale", $"sumSquares={sumSquares} maxNorm={maxNorm}", [[sumSquares], [0f], [0f]], [],
                (k, f, _, _) => k.ClipScale(f[0], f[1], f[2], maxNorm), new Tolerance(2e-6, 0));
    }

    void RandomFills()
    {
        foreach (var n in Pick(new[] { 13, 1003, 1 << 20 }, 1))
        {
            ulong offset = (1UL << 32) - 500; // the counter crosses a 32-bit word
            agree.Agree("FillUniform", $"n={n}", [new float[n]], [], (k, f, _, _) => k.FillUniform(f[0], n, 42, offset), Tolerance.Bitwise);
            // Normal and Gumbel go through log/cos/sqrt, whose device versions may differ from .NET's by an ulp or two.
            agree.Agree("FillNormal", $"n={n}", [new float[n]], [], (k, f, _, _) => k.FillNormal(f[0], n, 0.5f, 2f, 42, offset), new Tolerance(1e-5, 0, 1e-5));
            agree.Agree("FillGumbel", $"n={n}", [new float[n]], [], (k, f, _, _) => k.FillGumbel(f[0], n, 42, offset), new Tolerance(1e-5, 0, 1e-5));
        }
    }

    /// <summary>Runs a one-input op on Host and returns its output (the inputs of a backward check).</summary>
    float[] HostOutput(float[] x, int outputLength, Action<IKernels, DeviceBuffer<float>, DeviceBuffer<float>> op)
    {
        using var xb = host.Allocate(x.Length);
        xb.CopyFrom(x);
        using var yb = host.Allocate(outputLength);
        op(host, xb, yb);
        return yb.ToArray();
    }

    static float[] LogSumExp(float[] x, int rows, int cols)
    {
        var lse = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int c = 0; c < cols; c++) max = Math.Max(max, x[r * cols + c]);
            for (int c = 0; c < cols; c++) sum += Math.Exp(x[r * cols + c] - max);
            lse[r] = (float)(max + Math.Log(sum));
        }
        return lse;
    }

    static (float[] Mean, float[] Rstd) MeanRstd(float[] x, int rows, int cols, float eps)
    {
        var mean = new float[rows];
        var rstd = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            double m = 0, v = 0;
            for (int c = 0; c < cols; c++) m += x[r * cols + c];
            m /= cols;
            for (int c = 0; c < cols; c++) v += (x[r * cols + c] - m) * (x[r * cols + c] - m);
            mean[r] = (float)m;
            rstd[r] = (float)(1 / Math.Sqrt(v / cols + eps));
        }
        return (mean, rstd);
    }
}
