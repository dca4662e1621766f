using NativeDsp.Kernels.Ilgpu;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.IlgpuGemmTestKit;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// The 32 x 32-tile ILGPU GEMM for small and batched products (kernels/Ilgpu/MatMulSmallTiles.cs) on ILGPU's CPU
/// accelerator against <see cref="MatMulReference"/>: forced on odd shapes below, at and past one tile (k of 0, of
/// less than one 16-deep panel, exactly one, and several with a short last panel: the double buffer swaps and the
/// last panel's loop stops at k), every transpose, batches with a broadcast operand or none, alpha and beta, and
/// beta = 0 over a C full of NaN (C must not be read). Then which kernel <see cref="IlgpuKernels.ChooseTiling"/>
/// picks for the shapes of the models (attention heads, BERT's layers, the classifier), and its PTX.
/// Tolerance as <see cref="MatMulTests"/> argues it: 4 (sqrt(k) + 2) eps times sum_p |alpha a_ip b_pj| + |beta c_ij|
/// (float32 sums in another order than the double reference); a wrong, missing or doubled term is hundreds of
/// times larger.
/// </summary>
public sealed class MatMulSmallTileTests
{

    /// <summary>Which operand a batch shares across its items (strideA or strideB = 0).</summary>
    public enum Broadcast { None, A, B }

    public static TheoryData<int, int, int, int, bool, bool> SingleCases()
    {
        var data = new TheoryData<int, int, int, int, bool, bool>();
        foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 5, 7), (31, 33, 17), (32, 32, 16), (65, 40, 41), (7, 9, 0), (2, 3, 768) })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    data.Add(1, m, n, k, ta, tb);
        return data;
    }

    [Theory, MemberData(nameof(SingleCases))]
    public void ForcedSmallTilesMatchReferenceWithoutReadingC(int batch, int m, int n, int k, bool transA, bool transB)
    {
        var rng = new Random(((m * 1009 + n) * 1013 + k) * 4 + (transA ? 1 : 0) + (transB ? 2 : 0));
        var c = Enumerable.Repeat(float.NaN, m * n).ToArray(); // beta = 0: NaN in C must not reach the result
        Check(IlgpuGemmTiling.Tiles32, Values(rng, m * k), Values(rng, k * n), c, batch, m, n, k, transA, transB, 0, 0, 0, 1f, 0f);
    }

    public static TheoryData<Broadcast, int, int, int, int, bool, bool> BatchedCases()
    {
        var data = new TheoryData<Broadcast, int, int, int, int, bool, bool>();
        // A weight shared by the items (B), an activation shared (A), and per-head products (T = 20, D = 24: QK^T
        // is 20 x 20 x 24 with B transposed, PV 20 x 24 x 20) with nothing shared.
        foreach (var (shared, batch, m, n, k) in new[] { (Broadcast.B, 3, 17, 33, 9), (Broadcast.A, 2, 40, 65, 33), (Broadcast.None, 6, 20, 20, 24), (Broadcast.None, 5, 20, 24, 20) })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    data.Add(shared, batch, m, n, k, ta, tb);
        return data;
    }

    [Theory, MemberData(nameof(BatchedCases))]
    public void ForcedSmallTilesMatchReferenceOnBatchesWithAlphaAndBeta(Broadcast shared, int batch, int m, int n, int k, bool transA, bool transB)
    {
        var rng = new Random((((int)shared * 131 + batch) * 1009 + m * 31 + n) * 1013 + k + (transA ? 7 : 0) + (transB ? 11 : 0));
        long strideA = shared == Broadcast.A ? 0 : (long)m * k, strideB = shared == Broadcast.B ? 0 : (long)k * n;
        var a = Values(rng, shared == Broadcast.A ? m * k : batch * m * k);
        var b = Values(rng, shared == Broadcast.B ? k * n : batch * k * n);
        Check(IlgpuGemmTiling.Tiles32, a, b, Values(rng, batch * m * n), batch, m, n, k, transA, transB, strideA, strideB, (long)m * n, 0.5f, -1.5f);
    }

    [Fact]
    public void AutoRunsBatchedAttentionHeadsCorrectly()
    {
        // Q K^T for 4 (batch, head) items of T = 20, D = 16: Auto picks the 32 x 32 tiles (asserted below) and the
        // result matches the reference, scale and all.
        int batch = 4, t = 20, d = 16;
        Assert.Equal(IlgpuGemmTiling.Tiles32, IlgpuKernels.ChooseTiling(t, t));
        var rng = new Random(11);
        var c = Enumerable.Repeat(float.NaN, batch * t * t).ToArray();
        Check(IlgpuGemmTiling.Auto, Values(rng, batch * t * d), Values(rng, batch * t * d), c, batch, t, t, d, false, true,
              (long)t * d, (long)t * d, (long)t * t, 0.25f, 0f);
    }

    public static TheoryData<string, int, int, IlgpuGemmTiling> NamedShapes() => new()
    {
        // Attention heads (per (batch, head) item): the MT model's T = 20..40, D = 16..64, and BERT's T = 128, D = 64.
        { "MT QK^T, T 20", 20, 20, IlgpuGemmTiling.Tiles32 },
        { "MT QK^T, T 32", 32, 32, IlgpuGemmTiling.Tiles32 },
        { "MT QK^T, T 40 (pads to 64 either way)", 40, 40, IlgpuGemmTiling.Tiles64 },
        { "MT PV, T 20, D 16", 20, 16, IlgpuGemmTiling.Tiles32 },
        { "MT PV, T 40, D 64", 40, 64, IlgpuGemmTiling.Tiles64 },
        { "MT dK = dS^T Q, T 24, D 32", 24, 32, IlgpuGemmTiling.Tiles32 },
        { "BERT QK^T, T 128", 128, 128, IlgpuGemmTiling.Tiles64 },
        { "BERT PV, T 128, D 64", 128, 64, IlgpuGemmTiling.Tiles64 },
        // BERT-base's layers over 32 x 128 tokens, and their weight gradients.
        { "BERT QKV/output projection", 4096, 768, IlgpuGemmTiling.Tiles128 },
        { "BERT FFN in", 4096, 3072, IlgpuGemmTiling.Tiles128 },
        { "BERT FFN weight gradient", 3072, 768, IlgpuGemmTiling.Tiles128 },
        // The pooler and the 3-way classifier over a batch of 32 sentences.
        { "pooler 32 x 768", 32, 768, IlgpuGemmTiling.Tiles32 },
        { "classifier logits 32 x 3", 32, 3, IlgpuGemmTiling.Tiles32 },
        { "classifier weight gradient 3 x 768", 3, 768, IlgpuGemmTiling.Tiles32 },
        // The rule's edges: 1.78x the padded area, exactly the same area, and the large-tile threshold.
        { "96 x 96", 96, 96, IlgpuGemmTiling.Tiles32 },
        { "255 x 256", 255, 256, IlgpuGemmTiling.Tiles64 },
        { "256 x 256", IlgpuKernels.LargeTileMinimum, IlgpuKernels.LargeTileMinimum, IlgpuGemmTiling.Tiles128 },
        { "288 x 288 (1.23x, and past the threshold)", 288, 288, IlgpuGemmTiling.Tiles128 },
        { "4096 x 32", 4096, 32, IlgpuGemmTiling.Tiles32 },
    };

    [Theory, MemberData(nameof(NamedShapes))]
    public void AutoPicksTheTilesForNamedShapes(string shape, int m, int n, IlgpuGemmTiling expected) =>
        Assert.True(IlgpuKernels.ChooseTiling(m, n) == expected, $"{shape} ({m} x {n}): {IlgpuKernels.ChooseTiling(m, n)}, expected {expected}");

    [Fact]
    public void AccumulatorsStayInRegistersInThePtx()
    {
        // The 4 x 4 accumulators and the 8 + 8 staged panel elements are scalars: ILGPU must emit them as virtual
        // registers. A `.local` declaration would mean per-thread local memory (DRAM-backed).
        var ptx = Ptx("MatMulSmallTileKernel");
        Assert.DoesNotContain(".local", ptx, StringComparison.Ordinal);
        Assert.Contains(".shared", ptx, StringComparison.Ordinal);
        // Register blocking: per k step 4 shared loads of A and 4 of B feed 16 multiply-adds, the 64 x 64 kernel's
        // ratio (ILGPU does not unroll the k loop, so the PTX holds exactly those 8 ld.shared).
        Assert.Equal(8, ptx.Split("ld.shared").Length - 1);
    }

}
