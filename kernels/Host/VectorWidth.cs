using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// The SIMD register width the width-specific Host kernels (GEMM micro-kernels, the vectorised Philox of
/// dropout) are compiled for. A <see cref="HostKernels"/> instance runs at one width, by default the widest
/// the CPU supports (<see cref="VectorWidths.Hardware"/>); a narrower one can be chosen so that tests and
/// benchmarks exercise the AVX2 and 128-bit (SSE / ARM NEON) paths on an AVX-512 machine.
/// </summary>
public enum VectorWidth
{
    /// <summary>128-bit vectors (Vector128: SSE on x86, NEON on ARM): 4 floats per register.</summary>
    Bits128 = 128,

    /// <summary>256-bit vectors with FMA (Vector256: AVX2 + FMA3): 8 floats per register.</summary>
    Bits256 = 256,

    /// <summary>512-bit vectors (Vector512: AVX-512F/DQ): 16 floats per register.</summary>
    Bits512 = 512,
}

/// <summary>What the CPU running this process supports, decided once at start-up.</summary>
public static class VectorWidths
{
    /// <summary>
    /// The widest width whose kernels run natively: 512 with AVX-512F and DQ, 256 with AVX2 and FMA,
    /// otherwise 128 (also when the runtime disables AVX, e.g. <c>DOTNET_EnableAVX=0</c>, or on ARM).
    /// </summary>
    public static readonly VectorWidth Hardware =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512DQ.IsSupported ? VectorWidth.Bits512
        : Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported ? VectorWidth.Bits256
        : VectorWidth.Bits128;

    /// <summary>Every width this CPU can run, narrowest first (what the kernel tests iterate over).</summary>
    public static IReadOnlyList<VectorWidth> Supported { get; } =
        new[] { VectorWidth.Bits128, VectorWidth.Bits256, VectorWidth.Bits512 }.Where(w => w <= Hardware).ToArray();

    /// <summary>
    /// Whether the CPU has a fused multiply-add at 128 bits (FMA3 on x86, NEON on ARM64). Without it
    /// the 128-bit kernels multiply and add separately (different rounding, still deterministic).
    /// </summary>
    public static readonly bool Fma128 = Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>The CPU's vector features as a short text for benchmark and log headers.</summary>
    public static string Describe() =>
        string.Join(" ", new (bool On, string Name)[]
        {
            (Sse42.IsSupported, "sse4.2"), (Avx.IsSupported, "avx"), (Avx2.IsSupported, "avx2"), (Fma.IsSupported, "fma"),
            (Avx512F.IsSupported, "avx512f"), (Avx512DQ.IsSupported, "avx512dq"), (Avx512BW.IsSupported, "avx512bw"),
            (AdvSimd.IsSupported, "neon"),
        }.Where(f => f.On).Select(f => f.Name)) is { Length: > 0 } s ? s : "no SIMD";

    /// <summary>Throws when <paramref name="width"/> is wider than the CPU supports.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The CPU cannot run <paramref name="width"/>.</exception>
    public static VectorWidth Check(VectorWidth width) =>
        Supported.Contains(width) ? width
        : throw new ArgumentOutOfRangeException(nameof(width), width,
            $"this CPU runs vector widths up to {(int)Hardware} bits ({Describe()}); choose one of {string.Join(", ", Supported.Select(w => (int)w))}");
}
