using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// <see cref="Philox.Block"/>'s first word for 8 consecutive counters at once, in the 64-bit lanes of a
/// Vector512 (AVX-512DQ's vpmullq gives the exact 32x32 -> 64-bit products). Bit-identical to the scalar
/// generator, so Host and ILGPU masks still agree; it exists because one scalar block per element made
/// dropout a quarter of a training step.
/// </summary>
internal static class PhiloxVector
{
    const ulong M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
    const uint W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;

    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512DQ.IsSupported;

    static readonly Vector512<ulong> LaneIndex = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);

    /// <summary>Word X of Philox.Block(seed, first + lane) for lanes 0..7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> FirstWords(ulong seed, ulong first)
    {
        var low32 = Vector512.Create(0xFFFF_FFFFUL);
        var counter = Vector512.Create(first) + LaneIndex;
        Vector512<ulong> c0 = counter & low32, c1 = counter >> 32, c2 = Vector512<ulong>.Zero, c3 = Vector512<ulong>.Zero;
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        var m0 = Vector512.Create(M0);
        var m1 = Vector512.Create(M1);
        for (int round = 0; round < 10; round++)
        {
            var p0 = c0 * m0;
            var p1 = c2 * m1;
            var n0 = (p1 >> 32) ^ c1 ^ Vector512.Create((ulong)k0);
            var n1 = p1 & low32;
            var n2 = (p0 >> 32) ^ c3 ^ Vector512.Create((ulong)k1);
            var n3 = p0 & low32;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            k0 += W0; k1 += W1;
        }
        return c0;
    }

    /// <summary>
    /// The threshold T with Philox.Uniform(...) >= p  &lt;=&gt;  (X >> 8) >= T: the uniform is (X >> 8) * 2^-24
    /// exactly, and scaling by a power of two is exact, so the comparison moves to integers without rounding.
    /// </summary>
    public static ulong KeepThreshold(float p) => (ulong)Math.Ceiling(p * 16777216.0);
}
