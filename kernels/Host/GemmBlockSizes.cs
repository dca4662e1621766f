using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// The tile sizes of the Host GEMM for the CPU it runs on (public so that tests can aim shapes just
/// past each boundary). Chosen for a core with a 32-48 KiB L1 and a >= 512 KiB L2:
/// <list type="bullet">
/// <item>MR x NR is the register tile of the micro-kernel (<see cref="GemmMicroKernel512"/> with
///   AVX-512, <see cref="GemmMicroKernel256"/> with AVX2).</item>
/// <item>KC x NR floats of packed B (one micro-panel) are re-read by the micro-kernel for every MR-row
///   panel of A: 16 KiB with AVX2, in L1; 64 KiB with AVX-512, in L1 and L2. KC = 512 measured
///   ~15-20% faster than 256 at 1024^3 on a Zen 5 core: each k pass reads and writes the C tile
///   (rows far apart, usually cache misses), and fewer, longer passes halve that cost.</item>
/// <item>MC x KC floats of packed A (one block per thread, 448 KiB / 144 KiB) stay in L2 (Zen 5: 1 MiB per core).</item>
/// <item>KC x NC floats of packed B (shared by the threads) stay in L3.</item>
/// <item>Below <see cref="SmallWork"/> multiply-adds per product, packing costs more than it saves and
///   <see cref="GemmSmall"/> runs instead; so it does when C has fewer than <see cref="MinRows"/> rows
///   or <see cref="MinCols"/> columns, where a register tile would be mostly padding. The threshold is
///   low: even attention's small products (24 items of 32 x 32 x 16) ran 3x faster packed (~30 vs
///   ~8 GFLOP/s on 2 Zen 5 cores) than unpacked, the register tile outweighing the copies.</item>
/// </list>
/// </summary>
public static class GemmBlockSizes
{
    /// <summary>Whether the AVX-512 micro-kernel runs; otherwise the AVX2 one (or none, see <see cref="Blocked"/>).</summary>
    public static readonly bool Wide = Vector512.IsHardwareAccelerated;

    /// <summary>Whether the blocked GEMM runs at all (it needs 256- or 512-bit vectors with FMA).</summary>
    public static readonly bool Blocked = Vector512.IsHardwareAccelerated || (Vector256.IsHardwareAccelerated && Fma.IsSupported);

    /// <summary>Rows of C per micro-kernel tile.</summary>
    public static readonly int MR = Wide ? GemmMicroKernel512.MR : GemmMicroKernel256.MR;
    /// <summary>Columns of C per micro-kernel tile.</summary>
    public static readonly int NR = Wide ? GemmMicroKernel512.NR : GemmMicroKernel256.NR;
    /// <summary>Depth of a packed panel (elements of k).</summary>
    public static readonly int KC = Wide ? 512 : 256;
    /// <summary>Rows of A packed per block.</summary>
    public static readonly int MC = MR * (Wide ? 16 : 24);
    /// <summary>Columns of B packed per block.</summary>
    public static readonly int NC = 2048;

    /// <summary>Below m n k of this many multiply-adds the small (unpacked) path runs.</summary>
    public const long SmallWork = 16 * 16 * 16;
    /// <summary>Fewest rows of C for the blocked path.</summary>
    public static readonly int MinRows = MR / 2;
    /// <summary>Fewest columns of C for the blocked path.</summary>
    public static readonly int MinCols = 4;
}
