namespace NativeDsp.Kernels.Host;

/// <summary>
/// The tile sizes of the Host GEMM for one vector width on the CPU it runs on (public so that tests can aim
/// shapes just past each boundary), derived at start-up from the cache sizes (<see cref="CpuCaches"/>) by
/// the analytical model of BLIS (Low, Igual, Smith, Quintana-Orti, "Analytical modeling is enough for
/// high-performance BLIS", ACM TOMS 2016) rather than fixed for one CPU:
/// <list type="bullet">
/// <item>MR x NR is the register tile of the micro-kernel: <see cref="GemmMicroKernel512"/> (14 x 32),
///   <see cref="GemmMicroKernel256"/> (6 x 16) or <see cref="GemmMicroKernel128"/> (6 x 8), each using
///   all but 3-4 of the 16 x86 vector registers for accumulators.</item>
/// <item>KC: the KC x NR floats of one packed B micro-panel are re-read for every MR-row panel of A from
///   L1 or L2: KC = 2 x L1d / (NR x 4 bytes), clamped to [128, 512]. The factor 2 (the panel spills from
///   L1 into L2, whose bandwidth covers one panel row per NR x MR FMAs) is measured: on a Zen 5 core the
///   AVX-512 product at 1024^3 ran 15-20% faster with KC 512 than 256 (each KC step re-reads and writes the
///   C tile, rows far apart and usually cache misses, so fewer, longer steps pay), while for AVX2 KC 256 and
///   512 ran alike.</item>
/// <item>MC: the MC x KC floats of packed A (one block per thread) take at most half of the core's L2.</item>
/// <item>NC: the KC x NC floats of packed B (shared by the threads) take at most half of the L3 the
///   threads' cores share, capped at 4096 columns (larger blocks only cost memory).</item>
/// <item>Below <see cref="SmallWork"/> multiply-adds per product, packing costs more than it saves and
///   <see cref="GemmSmall"/> runs instead; so it does when C has fewer than <see cref="MinRows"/> rows
///   or <see cref="MinCols"/> columns, where a register tile would be mostly padding.</item>
/// </list>
/// Results are deterministic for a given width and KC: every element of C is accumulated by one
/// micro-kernel lane in k order within each KC step, whatever the threads or MC / NC.
/// </summary>
public sealed class GemmBlockSizes
{
    static readonly GemmBlockSizes?[] ByWidth = new GemmBlockSizes?[3];

    /// <summary>The vector width whose micro-kernel these sizes are for.</summary>
    public VectorWidth Width { get; }

    /// <summary>Rows of the register tile (rows of C per micro-kernel call).</summary>
    public int MR { get; }

    /// <summary>Columns of the register tile (a whole number of vectors).</summary>
    public int NR { get; }

    /// <summary>Steps of k per packed block (the depth of one micro-kernel call).</summary>
    public int KC { get; }

    /// <summary>Rows of A per packed block (a multiple of <see cref="MR"/>).</summary>
    public int MC { get; }

    /// <summary>Columns of B per packed block (a multiple of <see cref="NR"/>).</summary>
    public int NC { get; }

    /// <summary>Products with fewer multiply-adds than this run unpacked (<see cref="GemmSmall"/>).</summary>
    public long SmallWork => 16 * 16 * 16;

    /// <summary>Products of fewer rows of C than this run unpacked: a register tile would be mostly padding.</summary>
    public int MinRows => MR / 2;

    /// <summary>Products of fewer columns of C than this run unpacked.</summary>
    public int MinCols => 4;

    /// <summary>The caches the sizes were derived from.</summary>
    public CpuCaches Caches { get; }

    GemmBlockSizes(VectorWidth width, int mr, int nr, int kc, int mc, int nc, CpuCaches caches)
    {
        Width = width; MR = mr; NR = nr; KC = kc; MC = mc; NC = nc; Caches = caches;
    }

    /// <summary>The sizes for <paramref name="width"/> on this machine (derived once, then cached).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The CPU cannot run <paramref name="width"/>.</exception>
    public static GemmBlockSizes For(VectorWidth width)
    {
        int slot = width switch { VectorWidth.Bits128 => 0, VectorWidth.Bits256 => 1, _ => 2 };
        return ByWidth[slot] ??= Derive(VectorWidths.Check(width), CpuCaches.Current, Environment.ProcessorCount);
    }

    /// <summary>
    /// The sizes for <paramref name="width"/> and the given caches, shared by <paramref name="threads"/> cores
    /// (see the class remarks for the rules).
    /// </summary>
    public static GemmBlockSizes Derive(VectorWidth width, CpuCaches caches, int threads)
    {
        var (mr, nr) = width switch
        {
            VectorWidth.Bits512 => (GemmMicroKernel512.MR, GemmMicroKernel512.NR),
            VectorWidth.Bits256 => (GemmMicroKernel256.MR, GemmMicroKernel256.NR),
            _ => (GemmMicroKernel128.MR, GemmMicroKernel128.NR),
        };
        int kc = Math.Clamp(2 * caches.L1Data / (nr * sizeof(float)) / 16 * 16, 128, 512);
        int mc = Math.Max(mr, caches.L2 / 2 / (kc * sizeof(float)) / mr * mr);
        long l3 = (long)caches.L3PerCore * Math.Max(1, threads);
        int nc = (int)Math.Clamp(l3 / 2 / (kc * sizeof(float)) / nr * nr, 8 * nr, 4096 / nr * nr);
        return new GemmBlockSizes(width, mr, nr, kc, mc, nc, caches);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(int)Width}-bit {MR}x{NR}, KC {KC}, MC {MC}, NC {NC} (L1d {Caches.L1Data >> 10} KiB, L2 {Caches.L2 >> 10} KiB, L3/core {Caches.L3PerCore >> 10} KiB: {Caches.Source})";
}
