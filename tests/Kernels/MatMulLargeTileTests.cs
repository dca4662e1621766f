using NativeDsp.Kernels;
using NativeDsp.Kernels.Ilgpu;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.IlgpuGemmTestKit;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// The 128 x 128-tile ILGPU GEMM (kernels/Ilgpu/MatMulLargeTiles.cs) on ILGPU's CPU accelerator against
/// <see cref="MatMulReference"/>: forced on odd shapes below, at and past one tile (k not a multiple of the
/// 8-deep panel, one panel, many panels: the double buffer swaps), every transpose, batches with a broadcast
/// operand, alpha and beta; and picked by <see cref="IlgpuGemmTiling.Auto"/> for a product past
/// <see cref="IlgpuKernels.LargeTileMinimum"/>. Tolerance as <see cref="MatMulTests"/>: 4 (sqrt(k) + 2) eps times
/// sum_p |alpha a_ip b_pj| + |beta c_ij|; a wrong or missing term is hundreds of times larger.
/// </summary>
public sealed class MatMulLargeTileTests
{

    public static TheoryData<int, int, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, int, int, bool, bool>();
        foreach (var (batch, m, n, k) in new[] { (1, 1, 1, 1), (1, 3, 5, 7), (2, 17, 33, 9), (1, 128, 128, 8), (1, 129, 130, 17), (2, 70, 140, 41) })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    data.Add(batch, m, n, k, ta, tb);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void ForcedLargeTilesMatchReference(int batch, int m, int n, int k, bool transA, bool transB)
    {
        var rng = new Random(((batch * 131 + m) * 1009 + n) * 1013 + k + (transA ? 7 : 0) + (transB ? 11 : 0));
        // batch > 1 broadcasts B (a weight) and accumulates into C with alpha, beta != 1.
        float alpha = batch > 1 ? 0.5f : 1f, beta = batch > 1 ? -1f : 0f;
        var c = batch > 1 ? Values(rng, batch * m * n) : Enumerable.Repeat(float.NaN, m * n).ToArray(); // beta = 0 must not read C
        Check(IlgpuGemmTiling.Tiles128, Values(rng, batch * m * k), Values(rng, k * n), c, batch, m, n, k, transA, transB,
              (long)m * k, 0, (long)m * n, alpha, beta);
    }

    [Fact]
    public void AutoPicksLargeTilesPastTheThresholdAndStaysCorrect()
    {
        int m = IlgpuKernels.LargeTileMinimum + 1, n = IlgpuKernels.LargeTileMinimum + 3, k = 12;
        var rng = new Random(5);
        Check(IlgpuGemmTiling.Auto, Values(rng, k * m), Values(rng, k * n), Values(rng, m * n), 1, m, n, k, true, false, 0, 0, 0, 1.5f, 0.5f);
    }

    [Fact]
    public void AccumulatorsStayInRegistersInThePtx()
    {
        // The 8 x 8 accumulators are 64 scalars, not an array: ILGPU must emit them as virtual registers. A
        // `.local` declaration would mean ILGPU put something in per-thread local memory (DRAM-backed), which
        // would make the kernel memory-bound. (Register allocation proper happens later, in the driver's ptxas.)
        var ptx = Ptx("MatMulLargeTileKernel");
        Assert.DoesNotContain(".local", ptx, StringComparison.Ordinal);
        Assert.Contains(".shared", ptx, StringComparison.Ordinal);
        // Register blocking: per k step 8 shared loads of A and 8 of B feed 64 multiply-adds (ILGPU emits mul.f32 +
        // add.f32 without a rounding mode, which ptxas contracts into FFMA). The loop over the panel is not unrolled
        // by ILGPU, so the PTX holds exactly those 16 ld.shared.
        Assert.Equal(16, ptx.Split("ld.shared").Length - 1);
    }

    /// <summary>
    /// Shapes whose contiguous axes are multiples of 4 take the 16-byte vector loads for the operands that allow them
    /// (every transpose, both operands, one, or none: k = 20 allows A [m, k] and B [n, k], m = 132 allows A [k, m],
    /// n = 136 allows B [k, n]; 130 and 42 allow neither), past one tile so the row ends and the zero padding are
    /// crossed. The vector path changes only how elements reach shared memory, not the summation order, so it must
    /// agree with the scalar loads bit for bit, and with the reference within the GEMM tolerance.
    /// </summary>
    [Theory]
    [InlineData(1, 132, 136, 20)]
    [InlineData(2, 260, 132, 44)]
    [InlineData(1, 130, 136, 20)]
    [InlineData(1, 132, 130, 42)]
    [InlineData(3, 129, 256, 8)]
    public void VectorLoadsMatchScalarLoadsBitForBit(int batch, int m, int n, int k)
    {
        var gpu = Gpu;
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var rng = new Random(m * 7 + n * 3 + k + (ta ? 1 : 0) + (tb ? 2 : 0));
                var a = Values(rng, batch * m * k);
                var b = Values(rng, batch * k * n);
                var c = Values(rng, batch * m * n);
                long before = gpu.VectorGemmLaunches;
                var vector = Check(IlgpuGemmTiling.Tiles128, a, b, c, batch, m, n, k, ta, tb, (long)m * k, (long)k * n, (long)m * n, 0.75f, 0.5f);
                bool anyAligned = (ta ? m : k) % 4 == 0 || (tb ? k : n) % 4 == 0;
                Assert.Equal(before + (anyAligned ? 1 : 0), gpu.VectorGemmLaunches);
                gpu.VectorLoads = false;
                try
                {
                    var scalar = Check(IlgpuGemmTiling.Tiles128, a, b, c, batch, m, n, k, ta, tb, (long)m * k, (long)k * n, (long)m * n, 0.75f, 0.5f);
                    Assert.Equal(scalar, vector);
                }
                finally
                {
                    gpu.VectorLoads = true;
                }
            }
    }

    /// <summary>
    /// Split-k forced on the 128 x 128 kernel: slices of whole 8-deep panels (k 1000 in 3: 336, 336, 328; k 20 asked for 5
    /// gives 3 of 8, 8, 4; k 17 in 2: 16 and 1), every transpose, batches with a broadcast B, alpha and beta, and beta = 0
    /// over a C full of NaN (neither the partial pass nor the reduction may read it). The slices change only the
    /// summation order, so the GEMM tolerance holds; a slice that skipped or repeated a panel would be off by a whole
    /// term's magnitude.
    /// </summary>
    [Theory]
    [InlineData(1, 130, 129, 1000, 3)]
    [InlineData(2, 128, 136, 20, 5)]
    [InlineData(1, 1, 1, 17, 2)]
    [InlineData(3, 200, 260, 64, 4)]
    public void SplitKMatchesReference(int batch, int m, int n, int k, int splits)
    {
        var gpu = Gpu;
        gpu.GemmKSplits = splits;
        try
        {
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                {
                    var rng = new Random(m + 3 * n + 7 * k + (ta ? 1 : 0) + (tb ? 2 : 0));
                    bool accumulate = batch > 1;
                    float alpha = accumulate ? 0.5f : 1f, beta = accumulate ? -1f : 0f;
                    var c = accumulate ? Values(rng, batch * m * n) : Enumerable.Repeat(float.NaN, batch * m * n).ToArray();
                    long before = gpu.SplitKLaunches;
                    Check(IlgpuGemmTiling.Tiles128, Values(rng, batch * m * k), Values(rng, k * n), c, batch, m, n, k, ta, tb,
                          (long)m * k, 0, (long)m * n, alpha, beta);
                    Assert.Equal(before + 1, gpu.SplitKLaunches);
                }
        }
        finally
        {
            gpu.GemmKSplits = 0;
        }
    }

    /// <summary>Auto's split-k rule on the products it is for (H200: 132 SMs) and on those it must leave alone.</summary>
    [Theory]
    [InlineData(36, 4096, 132, 4)]    // BERT-base 768 x 768 weight gradient, 32 x 128 tokens: 36 tiles -> 144 groups
    [InlineData(36, 1024, 132, 2)]    // a shorter k: slices of at least 512
    [InlineData(36, 600, 132, 1)]     // k too short to split
    [InlineData(144, 4096, 132, 1)]   // 768 x 3072 (FFN weight gradient): 144 tiles already fill the SMs
    [InlineData(1024, 4096, 132, 1)]  // a 4096-square product
    [InlineData(1, 65536, 132, 128)]  // one tile, very long k: one group per SM, at most k / 512 slices
    [InlineData(4, 4096, 1, 1)]       // ILGPU's CPU accelerator (1 multiprocessor)
    public void AutoSplitsKOnlyWhenTheTilesLeaveMultiprocessorsIdle(int groups, int k, int multiprocessors, int expected) =>
        Assert.Equal(expected, IlgpuKernels.ChooseKSplits(groups, k, multiprocessors));

    /// <summary>
    /// An operand that starts 1 float past a 16-byte boundary (a slice of a larger buffer) is read with scalar loads
    /// even though its row lengths are multiples of 4: a float4 view of it would read the wrong elements. The result
    /// must match the reference (the vector path would shift every element by one and fail by far more than the
    /// tolerance).
    /// </summary>
    [Fact]
    public void MisalignedSlicesFallBackToScalarLoads()
    {
        var gpu = Gpu;
        int m = 136, n = 132, k = 16;
        var rng = new Random(17);
        var a = Values(rng, m * k);
        var b = Values(rng, k * n);
        var (expected, magnitude) = MatMulReference.Run(a, b, new float[m * n], 1, m, n, k, false, false, 0, 0, 0, 1f, 0f);
        using var bigA = gpu.Allocate(a.Length + 1);
        using var db = gpu.Allocate(b.Length);
        using var dc = gpu.Allocate(m * n);
        bigA.CopyFrom(a, 1);
        db.CopyFrom(b);
        using var da = gpu.Slice(bigA, 1, a.Length);
        gpu.GemmTiling = IlgpuGemmTiling.Tiles128;
        try
        {
            long before = gpu.VectorGemmLaunches;
            gpu.MatMul(da, db, dc, 1, m, n, k, false, false, 0, 0, 0);
            Assert.Equal(before + 1, gpu.VectorGemmLaunches); // B still vectorised, A not
            var actual = dc.ToArray();
            double tolerance = 4 * (Math.Sqrt(k) + 2) / (1 << 24);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * magnitude[i], $"element {i} is {actual[i]}, expected {expected[i]}");
        }
        finally
        {
            gpu.GemmTiling = IlgpuGemmTiling.Auto;
        }
    }

    [Fact]
    public void VectorLoadsAreSixteenByteLoadsInThePtx()
    {
        // ILGPU vectorises a load only when its alignment analysis proves 16 bytes, which it does for the 16-byte
        // float4 struct of the cast view. One ld.v4.f32 per operand (both layouts share it: the index is a select) for the first panel and one
        // per operand for the prefetch of the next: 4 in all; the scalar fallback stays beside them (ld.f32).
        var ptx = Ptx("MatMulLargeTileKernel");
        int vectorLoads = System.Text.RegularExpressions.Regex.Matches(ptx, @"ld(\.global)?\.v4\.f32").Count;
        Assert.True(vectorLoads == 4, $"expected 16-byte vector loads in the PTX, found {vectorLoads}:\n" + string.Join("\n", ptx.Split('\n').Where(l => l.Contains("ld.")).Take(40)));
    }

    /// <summary>
    /// The TF32 tensor-core path (kernels/Ilgpu/MatMulTf32.cs) is opt-in and CUDA sm_80+ only: elsewhere MatMul refuses it
    /// with one clear line rather than running something else under its name. (Its PTX: PtxCompileTests.Tf32GemmEmitsTensorCoreMma;
    /// its numbers: the GPU kit, against float32 at TF32's tolerance.)
    /// </summary>
    [Fact]
    public void Tf32TensorCoresAreRefusedOffCuda()
    {
        var gpu = Gpu;
        Assert.False(gpu.SupportsTf32TensorCores);
        using var a = gpu.Allocate(4);
        using var b = gpu.Allocate(4);
        using var c = gpu.Allocate(4);
        gpu.GemmTiling = IlgpuGemmTiling.Tf32TensorCores;
        try
        {
            var e = Assert.Throws<NotSupportedException>(() => gpu.MatMul(a, b, c, 1, 2, 2, 2, false, false, 0, 0, 0));
            Assert.Contains("compute capability 8.0", e.Message);
        }
        finally
        {
            gpu.GemmTiling = IlgpuGemmTiling.Auto;
        }
    }

}
