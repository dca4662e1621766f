namespace NativeDsp.Engine.Checkpoints;

/// <summary>
/// Every element type of the safetensors format (names as in the header; the reference Rust crate's
/// <c>Dtype</c> enum, safetensors 0.6): booleans, signed and unsigned integers of 8 to 64 bits, IEEE floats
/// (F16, F32, F64), bfloat16, the OCP 8-bit floats (F8_E4M3, F8_E5M2; E8M0 scales), the AMD/Graphcore "FNUZ"
/// 8-bit floats, the OCP micro-scaling sub-byte floats (F4, F6_E2M3, F6_E3M2) and complex64.
/// </summary>
public enum SafetensorsDType
{
    /// <summary>Boolean, one byte (0 false, anything else true).</summary>
    BOOL,
    /// <summary>8-bit unsigned integer.</summary>
    U8,
    /// <summary>8-bit signed integer.</summary>
    I8,
    /// <summary>16-bit signed integer.</summary>
    I16,
    /// <summary>16-bit unsigned integer.</summary>
    U16,
    /// <summary>32-bit signed integer.</summary>
    I32,
    /// <summary>32-bit unsigned integer.</summary>
    U32,
    /// <summary>64-bit signed integer.</summary>
    I64,
    /// <summary>64-bit unsigned integer.</summary>
    U64,
    /// <summary>4-bit float E2M1 (OCP MX FP4), two per byte.</summary>
    F4,
    /// <summary>6-bit float E2M3 (OCP MX FP6).</summary>
    F6_E2M3,
    /// <summary>6-bit float E3M2 (OCP MX FP6).</summary>
    F6_E3M2,
    /// <summary>8-bit float E4M3 (OCP OFP8; no infinities, max 448).</summary>
    F8_E4M3,
    /// <summary>8-bit float E5M2 (OCP OFP8; IEEE-like, with infinities).</summary>
    F8_E5M2,
    /// <summary>8-bit power-of-two scale E8M0 (OCP MX).</summary>
    F8_E8M0,
    /// <summary>8-bit float E4M3, bias 8, no negative zero (0x80 is NaN).</summary>
    F8_E4M3FNUZ,
    /// <summary>8-bit float E5M2, bias 16, no negative zero (0x80 is NaN).</summary>
    F8_E5M2FNUZ,
    /// <summary>16-bit IEEE half float.</summary>
    F16,
    /// <summary>bfloat16 (the top 16 bits of a float32).</summary>
    BF16,
    /// <summary>32-bit IEEE float.</summary>
    F32,
    /// <summary>64-bit IEEE float.</summary>
    F64,
    /// <summary>complex64: two 32-bit IEEE floats (real, imaginary).</summary>
    C64,
}

/// <summary>Sizes, header names, kinds and parsing of <see cref="SafetensorsDType"/>.</summary>
public static class SafetensorsDTypes
{
    /// <summary>Bits per element (4 and 6 for the sub-byte floats, whose tensors must fill whole bytes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined dtype.</exception>
    public static int BitSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F4 => 4,
        SafetensorsDType.F6_E2M3 or SafetensorsDType.F6_E3M2 => 6,
        SafetensorsDType.BOOL or SafetensorsDType.U8 or SafetensorsDType.I8 or SafetensorsDType.F8_E4M3 or SafetensorsDType.F8_E5M2
            or SafetensorsDType.F8_E8M0 or SafetensorsDType.F8_E4M3FNUZ or SafetensorsDType.F8_E5M2FNUZ => 8,
        SafetensorsDType.I16 or SafetensorsDType.U16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 16,
        SafetensorsDType.I32 or SafetensorsDType.U32 or SafetensorsDType.F32 => 32,
        SafetensorsDType.I64 or SafetensorsDType.U64 or SafetensorsDType.F64 or SafetensorsDType.C64 => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown safetensors dtype"),
    };

    /// <summary>Bytes per element.</summary>
    /// <exception cref="InvalidOperationException">A sub-byte dtype (F4, F6_*): use <see cref="BitSize"/>.</exception>
    public static int Size(this SafetensorsDType dtype) => dtype.BitSize() % 8 == 0
        ? dtype.BitSize() / 8
        : throw new InvalidOperationException($"safetensors dtype {dtype} has {dtype.BitSize()} bits per element, not whole bytes");

    /// <summary>The header spelling ("F32", "BF16", "F8_E4M3", ...).</summary>
    public static string HeaderName(this SafetensorsDType dtype) => dtype.ToString();

    /// <summary>Parses a header dtype; the format's names are upper case and matched exactly.</summary>
    public static bool TryParse(string name, out SafetensorsDType dtype)
    {
        foreach (var candidate in Enum.GetValues<SafetensorsDType>())
            if (string.Equals(candidate.HeaderName(), name, StringComparison.Ordinal))
            {
                dtype = candidate;
                return true;
            }
        dtype = default;
        return false;
    }

    /// <summary>Real floating-point types (all floats but complex64).</summary>
    public static bool IsFloatingPoint(this SafetensorsDType dtype) => dtype is SafetensorsDType.F4 or SafetensorsDType.F6_E2M3
        or SafetensorsDType.F6_E3M2 or SafetensorsDType.F8_E4M3 or SafetensorsDType.F8_E5M2 or SafetensorsDType.F8_E8M0
        or SafetensorsDType.F8_E4M3FNUZ or SafetensorsDType.F8_E5M2FNUZ or SafetensorsDType.F16 or SafetensorsDType.BF16
        or SafetensorsDType.F32 or SafetensorsDType.F64;

    /// <summary>
    /// Floats that <see cref="SafetensorsTensor.ToFloat32"/> converts: every real float of whole bytes. The sub-byte
    /// F4/F6 formats are read and validated but not converted: the format does not define how their elements are
    /// packed into bytes, so a model weight in them is refused rather than guessed.
    /// </summary>
    public static bool ConvertsToFloat32(this SafetensorsDType dtype) => dtype.IsFloatingPoint() && dtype.BitSize() % 8 == 0;

    /// <summary>Booleans and integers (what <see cref="SafetensorsTensor.ToInt64"/> reads).</summary>
    public static bool IsInteger(this SafetensorsDType dtype) => dtype is SafetensorsDType.BOOL or SafetensorsDType.U8 or SafetensorsDType.I8
        or SafetensorsDType.I16 or SafetensorsDType.U16 or SafetensorsDType.I32 or SafetensorsDType.U32 or SafetensorsDType.I64 or SafetensorsDType.U64;
}
