namespace NativeDsp.GpuCheck;

/// <summary>A BERT-shaped classifier for the training-step timing.</summary>
/// <param name="Layers">Encoder layers.</param>
/// <param name="DModel">Hidden size.</param>
/// <param name="Heads">Attention heads per layer.</param>
/// <param name="Ffn">Feed-forward inner size.</param>
/// <param name="Vocab">Vocabulary size (BERT's 30522).</param>
/// <param name="Batch">Sentences per step.</param>
/// <param name="Length">Tokens per sentence (no padding).</param>
/// <param name="KeepHeads">DSP's budget K over all Layers x Heads heads.</param>
public sealed record BertShape(int Layers, int DModel, int Heads, int Ffn, int Vocab, int Batch, int Length, int KeepHeads);

/// <summary>
/// The shapes of the GPU check (issue 18), in one place: the agreement check's shape lists live in
/// <see cref="KernelCases"/>, the timed cases here. <see cref="Tiny"/> gives the dry run's shapes, small
/// enough for ILGPU's CPU accelerator in a test (seconds, not hours).
/// </summary>
/// <param name="Tiny">Dry-run shapes instead of the benchmarked ones.</param>
public sealed record CheckPlan(bool Tiny)
{
    /// <summary>H200 fp32 (non-tensor-core) peak, TFLOP/s: 132 SMs x 128 FMA lanes x 2 x 1.98 GHz (DESIGN.md).</summary>
    public const double PeakTflops = 67.0;

    /// <summary>H200 device-to-device copy bandwidth measured through PyTorch, TB/s (counting bytes read and written).</summary>
    public const double CopyTerabytesPerSecond = 4.3;

    /// <summary>Square GEMM sizes n (C[n,n] = A[n,n] B[n,n]).</summary>
    public int[] GemmSizes => Tiny ? [33, 64] : [1024, 2048, 4096, 8192];

    /// <summary>
    /// Batched attention-head GEMM (items, m, n, k) with B transposed, the shape of Q K^T per (batch, head): 32 x 12 = 384
    /// items of T = 32 queries and keys, D = 64 (the small, many-item products the 32 x 32 tiles are for).
    /// </summary>
    public (int Batch, int M, int N, int K) HeadGemm => Tiny ? (3, 5, 5, 4) : (384, 32, 32, 64);

    /// <summary>
    /// A weight-gradient GEMM (m, n, k) = dW[m, n] = dY^T X with dY stored [k, m] and X [k, n]: BERT-base's 768 x 768
    /// projections over 32 x 128 = 4096 tokens. Only 36 tiles of 128 x 128: the product split-k is for.
    /// </summary>
    public (int M, int N, int K) WeightGradient => Tiny ? (9, 7, 40) : (768, 768, 4096);

    /// <summary>Attention (batch, heads, length, head dim), every other batch item padded (key mask), gated.</summary>
    public (int B, int H, int T, int D) Attention => Tiny ? (2, 2, 5, 4) : (32, 12, 128, 64);

    /// <summary>Soft top-K over H heads keeping K, at temperature 1 (DSP's schedule passes through it).</summary>
    public (int H, int K) TopK => Tiny ? (12, 3) : (144, 24);

    /// <summary>The training-step model: BERT-base (12 x 768, 12 heads, FFN 3072, batch 32 x 128, DSP K = 24 of 144).</summary>
    public BertShape Bert => Tiny ? new(1, 16, 2, 32, 50, 2, 5, 1) : new(12, 768, 12, 3072, 30522, 32, 128, 24);

    /// <summary>
    /// Untimed calls before timing (kernel compilation, allocator warm-up). None for the tiny dry run: its times
    /// mean nothing, and on ILGPU's CPU accelerator a BERT step of any size takes ~15 s (per-launch overhead).
    /// </summary>
    public int Warmup => Tiny ? 0 : 3;

    /// <summary>Timed calls per case (fewer when <see cref="SecondsPerCase"/> runs out; at least one).</summary>
    public int Repeats => Tiny ? 2 : 10;

    /// <summary>Wall-clock cap of the timed calls of one case, s: keeps run.sh inside its 8 minutes.</summary>
    public double SecondsPerCase => Tiny ? 1 : 20;
}
