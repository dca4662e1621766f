namespace NativeDsp.Engine.Checkpoints;

/// <summary>
/// The 256 values of each 8-bit float format as float32 (every one is exact in float32), built once from the
/// format's parameters: sign bit, E exponent bits with a bias, M mantissa bits, subnormals at exponent 0.
/// </summary>
/// <remarks>
/// OCP 8-bit Floating Point Specification (OFP8) rev. 1.0, 2023: E4M3 bias 7, NaN = S.1111.111, no infinity,
/// largest 448; E5M2 bias 15, exponent 31 holds infinities (mantissa 0) and NaNs, as IEEE 754. FNUZ formats
/// (Graphcore/AMD, ONNX's FLOAT8E4M3FNUZ/E5M2FNUZ): biases 8 and 16, the bit pattern of negative zero (0x80) is the
/// only NaN, no infinities. E8M0 (OCP Microscaling Formats v1.0): unsigned, 2^(e - 127), 0xFF NaN.
/// </remarks>
public static class Fp8
{
    static readonly Dictionary<SafetensorsDType, float[]> Tables = new()
    {
        [SafetensorsDType.F8_E4M3] = Build(4, 3, 7, Kind.E4M3),
        [SafetensorsDType.F8_E5M2] = Build(5, 2, 15, Kind.Ieee),
        [SafetensorsDType.F8_E4M3FNUZ] = Build(4, 3, 8, Kind.Fnuz),
        [SafetensorsDType.F8_E5M2FNUZ] = Build(5, 2, 16, Kind.Fnuz),
        [SafetensorsDType.F8_E8M0] = BuildE8M0(),
    };

    enum Kind { E4M3, Ieee, Fnuz }

    /// <summary>Value of each byte 0..255 in <paramref name="dtype"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not an 8-bit float dtype.</exception>
    public static float[] Table(SafetensorsDType dtype) =>
        Tables.TryGetValue(dtype, out var t) ? t : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not an 8-bit float dtype");

    /// <summary>The float32 value of one byte of an 8-bit float format.</summary>
    public static float ToSingle(byte bits, SafetensorsDType dtype) => Table(dtype)[bits];

    static float[] Build(int exponentBits, int mantissaBits, int bias, Kind kind)
    {
        var table = new float[256];
        int maxExponent = (1 << exponentBits) - 1, mantissaMask = (1 << mantissaBits) - 1;
        for (int b = 0; b < 256; b++)
        {
            bool negative = (b & 0x80) != 0;
            int e = (b >> mantissaBits) & maxExponent, m = b & mantissaMask;
            double magnitude;
            if (kind == Kind.Fnuz && b == 0x80) { table[b] = float.NaN; continue; }
            if (kind == Kind.E4M3 && e == maxExponent && m == mantissaMask) { table[b] = float.NaN; continue; }
            if (kind == Kind.Ieee && e == maxExponent)
            {
                table[b] = m != 0 ? float.NaN : negative ? float.NegativeInfinity : float.PositiveInfinity;
                continue;
            }
            if (e == 0) magnitude = Math.ScaleB(m, 1 - bias - mantissaBits); // subnormal: 0.m * 2^(1 - bias)
            else magnitude = Math.ScaleB((1 << mantissaBits) + m, e - bias - mantissaBits); // 1.m * 2^(e - bias)
            table[b] = (float)(negative ? -magnitude : magnitude);
        }
        return table;
    }

    static float[] BuildE8M0()
    {
        var table = new float[256];
        for (int b = 0; b < 255; b++) table[b] = (float)Math.ScaleB(1.0, b - 127); // 2^-127 is a float32 subnormal: exact
        table[255] = float.NaN;
        return table;
    }
}
