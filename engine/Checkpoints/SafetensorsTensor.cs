using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NativeDsp.Engine.Checkpoints;

/// <summary>One tensor read from a safetensors file: its dtype, shape and raw little-endian bytes.</summary>
public sealed class SafetensorsTensor
{
    internal SafetensorsTensor(string name, SafetensorsDType dtype, long[] shape, ReadOnlyMemory<byte> bytes)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Bytes = bytes;
    }

    /// <summary>The tensor's name in the header.</summary>
    public string Name { get; }
    /// <summary>The element type.</summary>
    public SafetensorsDType DType { get; }
    /// <summary>The dimensions ([] for a scalar).</summary>
    public IReadOnlyList<long> Shape { get; }
    /// <summary>The raw little-endian element bytes (a slice of the file's data).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>Number of elements (the product of the shape; 1 for a scalar).</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// The values as float32: F32 as is; F16, BF16 and every 8-bit float exactly (float32 holds each of their
    /// values, NaN and infinities included); F64 rounded to nearest. FP8 follows the OCP 8-bit floating point
    /// specification (OFP8, 2023): E4M3 has bias 7, subnormals, no infinities and NaN only at S.1111.111 (max 448);
    /// E5M2 is IEEE-like with bias 15 (exponent 31: infinity if the mantissa is 0, else NaN). The FNUZ variants
    /// (bias 8 and 16) have no infinities and no negative zero: 0x80 is their only NaN. E8M0 is a power of two,
    /// 2^(e - 127), with 0xFF NaN (the OCP micro-scaling scale).
    /// </summary>
    /// <exception cref="InvalidOperationException">An integer, BOOL, complex or sub-byte (F4/F6) tensor.</exception>
    public float[] ToFloat32()
    {
        var span = Bytes.Span;
        var result = new float[Count];
        switch (DType)
        {
            case SafetensorsDType.F32:
                if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(span).CopyTo(result);
                else for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]);
                break;
            case SafetensorsDType.F16:
                for (int i = 0; i < result.Length; i++) result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(span[(2 * i)..]);
                break;
            case SafetensorsDType.BF16:
                // bfloat16 is the upper half of a float32: shifting its bits up is exact.
                for (int i = 0; i < result.Length; i++) result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(span[(2 * i)..]) << 16);
                break;
            case SafetensorsDType.F64:
                for (int i = 0; i < result.Length; i++) result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(span[(8 * i)..]);
                break;
            case SafetensorsDType.F8_E4M3 or SafetensorsDType.F8_E5M2 or SafetensorsDType.F8_E4M3FNUZ or SafetensorsDType.F8_E5M2FNUZ or SafetensorsDType.F8_E8M0:
                var table = Fp8.Table(DType);
                for (int i = 0; i < result.Length; i++) result[i] = table[span[i]];
                break;
            default:
                throw new InvalidOperationException(DType.IsFloatingPoint()
                    ? $"safetensors tensor '{Name}' has dtype {DType}, whose packing of {DType.BitSize()}-bit elements into bytes the format leaves open; it is not converted"
                    : $"safetensors tensor '{Name}' has dtype {DType}, not a real floating-point type; use ToInt64() for integers and BOOL");
        }
        return result;
    }

    /// <summary>The values of an integer or BOOL tensor as 64-bit integers (BOOL: 0 or 1; any non-zero byte is true, as in NumPy/PyTorch).</summary>
    /// <exception cref="InvalidOperationException">A float or complex tensor, or a U64 value above <see cref="long.MaxValue"/>.</exception>
    public long[] ToInt64()
    {
        var span = Bytes.Span;
        var result = new long[Count];
        switch (DType)
        {
            case SafetensorsDType.BOOL:
                for (int i = 0; i < result.Length; i++) result[i] = span[i] != 0 ? 1 : 0;
                break;
            case SafetensorsDType.U8:
                for (int i = 0; i < result.Length; i++) result[i] = span[i];
                break;
            case SafetensorsDType.I8:
                for (int i = 0; i < result.Length; i++) result[i] = (sbyte)span[i];
                break;
            case SafetensorsDType.I16:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt16LittleEndian(span[(2 * i)..]);
                break;
            case SafetensorsDType.U16:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadUInt16LittleEndian(span[(2 * i)..]);
                break;
            case SafetensorsDType.I32:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(span[(4 * i)..]);
                break;
            case SafetensorsDType.U32:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadUInt32LittleEndian(span[(4 * i)..]);
                break;
            case SafetensorsDType.I64:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(span[(8 * i)..]);
                break;
            case SafetensorsDType.U64:
                for (int i = 0; i < result.Length; i++)
                {
                    ulong v = BinaryPrimitives.ReadUInt64LittleEndian(span[(8 * i)..]);
                    result[i] = v <= long.MaxValue ? (long)v
                        : throw new InvalidOperationException($"safetensors tensor '{Name}': U64 element {i} is {v}, above the largest 64-bit signed integer");
                }
                break;
            default:
                throw new InvalidOperationException($"safetensors tensor '{Name}' has dtype {DType}, not an integer type; use ToFloat32()");
        }
        return result;
    }

    /// <summary>The tensor as an engine <see cref="HostTensor"/> (float32), checking that the shape fits an int shape.</summary>
    public HostTensor ToHostTensor()
    {
        var dims = new int[Shape.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            if (Shape[i] > int.MaxValue) throw new InvalidOperationException($"safetensors tensor '{Name}': dimension {Shape[i]} is too large for the engine");
            dims[i] = (int)Shape[i];
        }
        return new HostTensor(new Engine.Shape(dims), ToFloat32());
    }

    /// <summary>"name DTYPE[d0, d1, ...]".</summary>
    public override string ToString() => $"{Name} {DType}[{string.Join(", ", Shape)}]";
}
