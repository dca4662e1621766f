using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace NativeDsp.Engine.Checkpoints;

/// <summary>
/// A float32 tensor to write. <see cref="Data"/> is called only when the writer reaches the tensor, so a
/// large model is copied off the device one tensor at a time (and a failing source aborts the write
/// before the target file is touched).
/// </summary>
public sealed record SafetensorsEntry(string Name, int[] Shape, Func<ReadOnlyMemory<float>> Data)
{
    /// <summary>An entry named <paramref name="name"/> holding <paramref name="tensor"/>'s values and shape.</summary>
    public static SafetensorsEntry From(string name, HostTensor tensor) => new(name, tensor.Shape.ToArray(), () => tensor.Data);

    /// <summary>The number of elements (the product of the dimensions).</summary>
    public long Count => Shape.Aggregate(1L, (a, d) => a * d);
}

/// <summary>
/// Writes float32 safetensors files that other tools read (the Hugging Face safetensors library, PyTorch
/// via it): names sorted, data contiguous in that order, the header padded with spaces to a multiple of
/// 8 bytes (so that the data is aligned, as the reference writer does), metadata as strings. The file is
/// written atomically (<see cref="AtomicFile"/>).
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (F32) and <paramref name="metadata"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ArgumentException">An empty, duplicate or "__metadata__" name, a negative dimension, a null metadata key or value (the message names the file), or a source whose length differs from its shape's element count.</exception>
    /// <exception cref="IOException">The file cannot be written; the target is left as it was.</exception>
    public static void Write(string path, IEnumerable<SafetensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        Validate(path, entries, metadata);
        byte[] header = Header(entries, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var e in entries) WriteData(stream, e);
        });
    }

    /// <summary>Writes a state dict (name to <see cref="HostTensor"/>) as <see cref="Write(string, IEnumerable{SafetensorsEntry}, IReadOnlyDictionary{string, string}?)"/> does.</summary>
    /// <exception cref="ArgumentException">As the entry overload.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, IReadOnlyDictionary<string, HostTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, tensors.Select(kv => SafetensorsEntry.From(kv.Key, kv.Value)), metadata);

    static void Validate(string path, List<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (string.IsNullOrEmpty(e.Name) || e.Name == "__metadata__")
                throw new ArgumentException($"safetensors write '{path}': '{e.Name}' is not a valid tensor name");
            if (i > 0 && entries[i - 1].Name == e.Name) throw new ArgumentException($"safetensors write '{path}': the tensor name '{e.Name}' appears twice");
            if (e.Shape.Any(d => d < 0)) throw new ArgumentException($"safetensors write '{path}': tensor '{e.Name}' has a negative dimension in [{string.Join(", ", e.Shape)}]");
        }
        if (metadata is not null)
            foreach (var (key, value) in metadata)
                if (key is null || value is null) throw new ArgumentException($"safetensors write '{path}': metadata keys and values must be non-null strings");
    }

    static byte[] Header(List<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var e in entries)
            {
                long bytes = e.Count * sizeof(float);
                json.WriteStartObject(e.Name);
                json.WriteString("dtype", SafetensorsDType.F32.HeaderName());
                json.WriteStartArray("shape");
                foreach (int d in e.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    static void WriteData(Stream stream, SafetensorsEntry e)
    {
        var data = e.Data().Span;
        if (data.Length != e.Count)
            throw new ArgumentException($"safetensors write: tensor '{e.Name}' of shape [{string.Join(", ", e.Shape)}] needs {e.Count} values, its source gave {data.Length}");
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data));
            return;
        }
        Span<byte> four = stackalloc byte[4];
        foreach (float x in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(four, x);
            stream.Write(four);
        }
    }
}
