using System.Text;
using NativeDsp.Engine.Checkpoints;

namespace NativeDsp.Tests.Engine;

/// <summary>
/// Every dtype of the safetensors format, read from bytes written by hand: sizes, integer and boolean values,
/// float conversions exact per the OCP FP8 specification (NaN, infinities, subnormals, extremes).
/// </summary>
public sealed class SafetensorsDTypeTests
{
    /// <summary>A one-tensor safetensors file: header {"t": {dtype, shape, data_offsets}} then the bytes.</summary>
    static SafetensorsTensor Read(string dtype, long[] shape, byte[] data)
    {
        string json = $"{{\"t\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[0,{data.Length}]}}}}";
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return SafetensorsFile.Parse("hand.safetensors", bytes)["t"];
    }

    [Fact]
    public void The_format_has_22_dtypes_with_their_bit_sizes()
    {
        var expected = new Dictionary<string, int>
        {
            ["BOOL"] = 8, ["U8"] = 8, ["I8"] = 8, ["I16"] = 16, ["U16"] = 16, ["I32"] = 32, ["U32"] = 32, ["I64"] = 64, ["U64"] = 64,
            ["F4"] = 4, ["F6_E2M3"] = 6, ["F6_E3M2"] = 6, ["F8_E4M3"] = 8, ["F8_E5M2"] = 8, ["F8_E8M0"] = 8, ["F8_E4M3FNUZ"] = 8,
            ["F8_E5M2FNUZ"] = 8, ["F16"] = 16, ["BF16"] = 16, ["F32"] = 32, ["F64"] = 64, ["C64"] = 64,
        };
        Assert.Equal(expected.Keys.Order(), Enum.GetNames<SafetensorsDType>().Order());
        foreach (var (name, bits) in expected)
        {
            Assert.True(SafetensorsDTypes.TryParse(name, out var d));
            Assert.Equal(bits, d.BitSize());
        }
        Assert.False(SafetensorsDTypes.TryParse("f32", out _)); // names are matched exactly
    }

    [Fact]
    public void Integers_and_bool_read_from_little_endian_bytes()
    {
        Assert.Equal([0L, 1, 1, 0], Read("BOOL", [4], [0, 1, 7, 0]).ToInt64()); // any non-zero byte is true (NumPy, PyTorch)
        Assert.Equal([0L, 127, 128, 255], Read("U8", [2, 2], [0, 127, 128, 255]).ToInt64());
        Assert.Equal([0L, 127, -128, -1], Read("I8", [4], [0, 127, 128, 255]).ToInt64());
        Assert.Equal([-2L, 0x1234], Read("I16", [2], [0xFE, 0xFF, 0x34, 0x12]).ToInt64());
        Assert.Equal([65534L, 0x1234], Read("U16", [2], [0xFE, 0xFF, 0x34, 0x12]).ToInt64());
        Assert.Equal([-2L, 0x12345678], Read("I32", [2], [0xFE, 0xFF, 0xFF, 0xFF, 0x78, 0x56, 0x34, 0x12]).ToInt64());
        Assert.Equal([4294967294L, 0x12345678], Read("U32", [2], [0xFE, 0xFF, 0xFF, 0xFF, 0x78, 0x56, 0x34, 0x12]).ToInt64());
        Assert.Equal([-2L], Read("I64", [1], [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]).ToInt64());
        Assert.Equal([long.MaxValue], Read("U64", [1], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]).ToInt64());
        var big = Read("U64", [1], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        Assert.Contains("18446744073709551615", Assert.Throws<InvalidOperationException>(() => big.ToInt64()).Message);
        Assert.Throws<InvalidOperationException>(() => Read("U8", [1], [1]).ToFloat32()); // integers are not weights
    }

    [Fact]
    public void Ieee_and_brain_floats_read_exactly()
    {
        Assert.Equal([1.5f, -2f], Read("F32", [2], [0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0]).ToFloat32());
        Assert.Equal([1f, 65504f, float.NegativeInfinity], Read("F16", [3], [0x00, 0x3C, 0xFF, 0x7B, 0x00, 0xFC]).ToFloat32());
        Assert.Equal([1f, -3f], Read("BF16", [2], [0x80, 0x3F, 0x40, 0xC0]).ToFloat32());
        Assert.Equal([0.1f], Read("F64", [1], BitConverter.GetBytes(0.1)).ToFloat32()); // rounded to nearest float32
    }

    public static TheoryData<string, byte, float> Fp8Values => new()
    {
        // OCP OFP8 E4M3: bias 7, subnormals 0.m x 2^-6, no infinities, NaN only S.1111.111, max 448.
        { "F8_E4M3", 0x00, 0f }, { "F8_E4M3", 0x80, -0f }, { "F8_E4M3", 0x01, MathF.ScaleB(1, -9) }, { "F8_E4M3", 0x07, 7 * MathF.ScaleB(1, -9) },
        { "F8_E4M3", 0x08, MathF.ScaleB(1, -6) }, { "F8_E4M3", 0x38, 1f }, { "F8_E4M3", 0x3C, 1.5f }, { "F8_E4M3", 0x40, 2f },
        { "F8_E4M3", 0x7E, 448f }, { "F8_E4M3", 0xFE, -448f }, { "F8_E4M3", 0x78, 256f }, { "F8_E4M3", 0x7F, float.NaN }, { "F8_E4M3", 0xFF, float.NaN },
        // OCP OFP8 E5M2: bias 15, subnormals 0.m x 2^-14, exponent 31 = infinity (m = 0) or NaN, max 57344.
        { "F8_E5M2", 0x3C, 1f }, { "F8_E5M2", 0x01, MathF.ScaleB(1, -16) }, { "F8_E5M2", 0x04, MathF.ScaleB(1, -14) }, { "F8_E5M2", 0x7B, 57344f },
        { "F8_E5M2", 0x7C, float.PositiveInfinity }, { "F8_E5M2", 0xFC, float.NegativeInfinity }, { "F8_E5M2", 0x7D, float.NaN },
        { "F8_E5M2", 0x7F, float.NaN }, { "F8_E5M2", 0xFE, float.NaN }, { "F8_E5M2", 0x80, -0f }, { "F8_E5M2", 0xC0, -2f },
        // FNUZ: bias 8 / 16, 0x80 the only NaN, no infinities, no negative zero.
        { "F8_E4M3FNUZ", 0x40, 1f }, { "F8_E4M3FNUZ", 0x7F, 240f }, { "F8_E4M3FNUZ", 0x01, MathF.ScaleB(1, -10) }, { "F8_E4M3FNUZ", 0x80, float.NaN },
        { "F8_E4M3FNUZ", 0xFF, -240f },
        { "F8_E5M2FNUZ", 0x40, 1f }, { "F8_E5M2FNUZ", 0x7F, 57344f }, { "F8_E5M2FNUZ", 0x7C, 32768f }, { "F8_E5M2FNUZ", 0x01, MathF.ScaleB(1, -17) },
        { "F8_E5M2FNUZ", 0x80, float.NaN },
        // OCP MX E8M0 scale: 2^(e - 127), 0xFF NaN.
        { "F8_E8M0", 0x7F, 1f }, { "F8_E8M0", 0x80, 2f }, { "F8_E8M0", 0x00, MathF.ScaleB(1, -127) }, { "F8_E8M0", 0xFE, MathF.ScaleB(1, 127) },
        { "F8_E8M0", 0xFF, float.NaN },
    };

    [Theory, MemberData(nameof(Fp8Values))]
    public void Fp8_converts_exactly_per_the_ocp_spec(string dtype, byte bits, float expected)
    {
        float actual = Read(dtype, [1], [bits]).ToFloat32()[0];
        if (float.IsNaN(expected)) Assert.True(float.IsNaN(actual), $"{dtype} 0x{bits:X2} gave {actual}");
        else Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual)); // bit-exact, sign of zero too
    }

    [Fact]
    public void Fp8_tables_are_monotonic_over_positive_codes()
    {
        // Over the non-NaN positive codes, values increase strictly: no exponent/mantissa mix-up can pass this.
        foreach (var d in new[] { SafetensorsDType.F8_E4M3, SafetensorsDType.F8_E5M2, SafetensorsDType.F8_E4M3FNUZ, SafetensorsDType.F8_E5M2FNUZ, SafetensorsDType.F8_E8M0 })
        {
            var t = Fp8.Table(d);
            var positive = Enumerable.Range(0, d == SafetensorsDType.F8_E8M0 ? 256 : 128).Select(i => t[i]).Where(v => !float.IsNaN(v)).ToList();
            for (int i = 1; i < positive.Count; i++) Assert.True(positive[i] > positive[i - 1], $"{d} at {i}");
            if (d != SafetensorsDType.F8_E8M0)
                for (int i = 1; i < 128; i++) // sign-magnitude: the negative code is the negated positive (both NaN or both numbers)
                    Assert.Equal(BitConverter.SingleToInt32Bits(-t[i]), float.IsNaN(t[i]) ? BitConverter.SingleToInt32Bits(-t[i]) : BitConverter.SingleToInt32Bits(t[i | 0x80]));
        }
    }

    [Fact]
    public void Sub_byte_floats_and_complex_are_validated_and_read_but_not_converted()
    {
        var f4 = Read("F4", [4], [0x21, 0x43]); // 4 elements x 4 bits = 2 bytes
        Assert.Equal(4L, f4.Count);
        Assert.Contains("packing", Assert.Throws<InvalidOperationException>(() => f4.ToFloat32()).Message);
        Assert.Equal(4L, Read("F6_E2M3", [4], [0, 0, 0]).Count); // 4 x 6 bits = 3 bytes
        Assert.Equal(1L, Read("C64", [1], new byte[8]).Count);
        Assert.Throws<InvalidOperationException>(() => Read("C64", [1], new byte[8]).ToFloat32());
        var e = Assert.Throws<SafetensorsFormatException>(() => Read("F4", [3], [0, 0]));
        Assert.Contains("do not fill whole bytes", e.Message);
        var wrongSize = Assert.Throws<SafetensorsFormatException>(() => Read("F6_E3M2", [4], [0, 0]));
        Assert.Contains("needs 3 bytes", wrongSize.Message);
    }
}
