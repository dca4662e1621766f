namespace NativeDsp.Kernels.Host;

/// <summary>
/// The tile sizes of the Host GEMM (public so that tests can aim shapes just past each boundary).
/// Chosen for a core with 32 512-bit registers, a 32-48 KiB L1 and a >= 512 KiB L2 (Zen 4/5, Skylake-X):
/// <list type="bullet">
/// <item>MR x NR is the register tile of the micro-kernel: MR rows of C, each NR/16 zmm accumulators,
///   plus NR/16 registers for a row of B and one broadcast of A, all within 32 registers.</item>
/// <item>KC x NR floats of packed B (one micro-panel) stay in L1 while the micro-kernel sweeps MR-row
///   panels of A over it; MC x KC floats of packed A stay in L2.</item>
/// <item>Below <see cref="SmallWork"/> multiply-adds a product skips packing (<see cref="GemmSmall"/>).</item>
/// </list>
/// </summary>
public static class GemmBlockSizes
{
    public const int MR = 14;
    public const int NR = 32;
    public const int KC = 256;
    public const int MC = 112;
    public const int NC = 2048;
    public const long SmallWork = 64 * 1024;
}
