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

    /// <summary>The number of elements.</summary>
    public long Count => Bytes.Length / DType.Size();

    /// <summary>The values as float32 (F16, BF16 and F64 converted; F64 rounds to nearest).</summary>
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
            default:
                throw new InvalidOperationException($"safetensors tensor '{Name}' has dtype {DType}, not a floating-point type; use ToInt64()");
        }
        return result;
    }

    /// <summary>The values of an I64 or I32 tensor as 64-bit integers.</summary>
    public long[] ToInt64()
    {
        var span = Bytes.Span;
        var result = new long[Count];
        switch (DType)
        {
            case SafetensorsDType.I64:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(span[(8 * i)..]);
                break;
            case SafetensorsDType.I32:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(span[(4 * i)..]);
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
