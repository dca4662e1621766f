using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// Word X of <see cref="Philox.Block"/> for consecutive counters at once, one counter per 32-bit lane: 16
/// per Vector512, 8 per Vector256, 4 per Vector128. Bit-identical to the scalar generator (and so to the
/// ILGPU kernel), so Host and ILGPU masks agree at every width; it exists because one scalar block per
/// element made dropout a fifth of a training step.
/// <para>Philox's round needs the full 64-bit product of two 32-bit words. x86 has it only for the even
/// 32-bit lanes (<c>pmuludq</c>: SSE2, AVX2, AVX-512F), so each multiply runs twice, on the even lanes and
/// on the odd lanes shifted down, and the low and high halves are recombined with lane masks. Elsewhere
/// (ARM NEON) the portable 128-bit path widens the lanes to 64 bits and multiplies those.</para>
/// </summary>
public static class PhiloxVector
{
    const uint M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
    const uint W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;

    /// <summary>Counters per call at <paramref name="width"/>.</summary>
    public static int Lanes(VectorWidth width) => (int)width / 32;

    /// <summary>Word X of Philox.Block(seed, first + lane) for lanes 0..15 (needs AVX-512F).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> FirstWords512(ulong seed, ulong first)
    {
        var (c0, c1) = Counters512(first);
        var c2 = Vector512<uint>.Zero;
        var c3 = Vector512<uint>.Zero;
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        var m0 = Vector512.Create(M0);
        var m1 = Vector512.Create(M1);
        var odd = Vector512.Create(0xFFFF_FFFF_0000_0000UL).AsUInt32();
        for (int round = 0; round < 10; round++)
        {
            var (hi0, lo0) = MulHiLo512(c0, m0, odd);
            var (hi1, lo1) = MulHiLo512(c2, m1, odd);
            var n0 = hi1 ^ c1 ^ Vector512.Create(k0);
            var n2 = hi0 ^ c3 ^ Vector512.Create(k1);
            c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
            k0 += W0; k1 += W1;
        }
        return c0;
    }

    /// <summary>Word X of Philox.Block(seed, first + lane) for lanes 0..7 (needs AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> FirstWords256(ulong seed, ulong first)
    {
        var lane = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
        var low = Vector256.Create((uint)first);
        var c0 = low + lane;
        // The 64-bit counter's high word, plus one in lanes where the low word wrapped past 2^32.
        var c1 = Vector256.Create((uint)(first >> 32)) - Vector256.LessThan(c0, low);
        var c2 = Vector256<uint>.Zero;
        var c3 = Vector256<uint>.Zero;
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        var m0 = Vector256.Create(M0);
        var m1 = Vector256.Create(M1);
        var odd = Vector256.Create(0xFFFF_FFFF_0000_0000UL).AsUInt32();
        for (int round = 0; round < 10; round++)
        {
            var (hi0, lo0) = MulHiLo256(c0, m0, odd);
            var (hi1, lo1) = MulHiLo256(c2, m1, odd);
            var n0 = hi1 ^ c1 ^ Vector256.Create(k0);
            var n2 = hi0 ^ c3 ^ Vector256.Create(k1);
            c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
            k0 += W0; k1 += W1;
        }
        return c0;
    }

    /// <summary>
    /// Word X of Philox.Block(seed, first + lane) for lanes 0..3. <paramref name="portable"/> forces the
    /// widening path that non-x86 CPUs take (so that it is tested on x86 too).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> FirstWords128(ulong seed, ulong first, bool portable = false)
    {
        var lane = Vector128.Create(0u, 1, 2, 3);
        var low = Vector128.Create((uint)first);
        var c0 = low + lane;
        var c1 = Vector128.Create((uint)(first >> 32)) - Vector128.LessThan(c0, low);
        var c2 = Vector128<uint>.Zero;
        var c3 = Vector128<uint>.Zero;
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        var m0 = Vector128.Create(M0);
        var m1 = Vector128.Create(M1);
        bool evenOdd = Sse2.IsSupported && !portable;
        for (int round = 0; round < 10; round++)
        {
            var (hi0, lo0) = evenOdd ? MulHiLoSse2(c0, m0) : MulHiLoWiden(c0, M0);
            var (hi1, lo1) = evenOdd ? MulHiLoSse2(c2, m1) : MulHiLoWiden(c2, M1);
            var n0 = hi1 ^ c1 ^ Vector128.Create(k0);
            var n2 = hi0 ^ c3 ^ Vector128.Create(k1);
            c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
            k0 += W0; k1 += W1;
        }
        return c0;
    }

    /// <summary>
    /// The threshold T with Philox.Uniform(...) >= p  &lt;=&gt;  (X >> 8) >= T: the uniform is (X >> 8) * 2^-24
    /// exactly, and scaling by a power of two is exact, so the comparison moves to integers without rounding.
    /// T is at most 2^24, so it and X >> 8 also compare correctly as signed 32-bit integers.
    /// </summary>
    public static int KeepThreshold(float p) => (int)Math.Ceiling(p * 16777216.0);

    static (Vector512<uint> C0, Vector512<uint> C1) Counters512(ulong first)
    {
        var lane = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var low = Vector512.Create((uint)first);
        var c0 = low + lane;
        return (c0, Vector512.Create((uint)(first >> 32)) - Vector512.LessThan(c0, low));
    }

    // High and low 32 bits of x * m per lane. pmuludq multiplies the even lanes (the low half of each
    // 64-bit lane); shifting the 64-bit lanes right by 32 brings the odd lanes there. Recombined: low words
    // = even products' low halves in even lanes | odd products' low halves moved up; high words alike.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector512<uint> Hi, Vector512<uint> Lo) MulHiLo512(Vector512<uint> x, Vector512<uint> m, Vector512<uint> odd)
    {
        var even = Avx512F.Multiply(x, m);
        var oddProducts = Avx512F.Multiply((x.AsUInt64() >> 32).AsUInt32(), m);
        var lo = Vector512.ConditionalSelect(odd, (oddProducts << 32).AsUInt32(), even.AsUInt32());
        var hi = Vector512.ConditionalSelect(odd, oddProducts.AsUInt32(), (even >> 32).AsUInt32());
        return (hi, lo);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector256<uint> Hi, Vector256<uint> Lo) MulHiLo256(Vector256<uint> x, Vector256<uint> m, Vector256<uint> odd)
    {
        var even = Avx2.Multiply(x, m);
        var oddProducts = Avx2.Multiply((x.AsUInt64() >> 32).AsUInt32(), m);
        var lo = Avx2.Blend(even.AsUInt32(), (oddProducts << 32).AsUInt32(), 0b1010_1010);
        var hi = Avx2.Blend((even >> 32).AsUInt32(), oddProducts.AsUInt32(), 0b1010_1010);
        return (hi, lo);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector128<uint> Hi, Vector128<uint> Lo) MulHiLoSse2(Vector128<uint> x, Vector128<uint> m)
    {
        var odd = Vector128.Create(0xFFFF_FFFF_0000_0000UL).AsUInt32();
        var even = Sse2.Multiply(x, m);
        var oddProducts = Sse2.Multiply((x.AsUInt64() >> 32).AsUInt32(), m);
        var lo = Vector128.ConditionalSelect(odd, (oddProducts << 32).AsUInt32(), even.AsUInt32());
        var hi = Vector128.ConditionalSelect(odd, oddProducts.AsUInt32(), (even >> 32).AsUInt32());
        return (hi, lo);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector128<uint> Hi, Vector128<uint> Lo) MulHiLoWiden(Vector128<uint> x, uint m)
    {
        var (lower, upper) = Vector128.Widen(x);
        var mm = Vector128.Create((ulong)m);
        return (Vector128.Narrow((lower * mm) >> 32, (upper * mm) >> 32), x * Vector128.Create(m));
    }
}
