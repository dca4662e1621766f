using System.Buffers.Binary;
using System.Text.Json;

namespace NativeDsp.Engine.Checkpoints;

/// <summary>
/// A safetensors file read into memory and validated (Hugging Face format: an 8-byte little-endian header
/// length, a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string:
/// string}}, then the tensors' bytes). Every problem is reported as one
/// <see cref="SafetensorsFormatException"/> naming the file; the checks are those of the reference
/// implementation: the header fits in the file, is a JSON object of the expected form, every dtype is
/// known, each tensor's byte range matches its shape and lies inside the data, and the ranges cover the
/// data exactly, without overlaps or gaps.
/// </summary>
public sealed class SafetensorsFile
{
    /// <summary>The reference implementation refuses larger headers; a bigger length is a corrupt file, not a header.</summary>
    const long MaxHeaderBytes = 100_000_000;

    SafetensorsFile(string path, Dictionary<string, SafetensorsTensor> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The path the file was read from.</summary>
    public string Path { get; }
    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensor> Tensors { get; }

    /// <summary>The "__metadata__" strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor (the message names the file).</exception>
    public SafetensorsTensor this[string name] =>
        Tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"safetensors file '{Path}' has no tensor '{name}'");

    /// <summary>Reads and validates the whole file at <paramref name="path"/>.</summary>
    /// <exception cref="SafetensorsFormatException">The file is missing, unreadable or not valid safetensors (the message names the file and the first problem).</exception>
    public static SafetensorsFile Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"safetensors file '{path}' does not exist", path);
        }
        return Parse(path, bytes);
    }

    /// <summary>Parses the content of a file; <paramref name="path"/> is only used in messages.</summary>
    public static SafetensorsFile Parse(string path, byte[] bytes)
    {
        SafetensorsFormatException Bad(string problem) => new(path, problem);

        if (bytes.Length < 8) throw Bad($"truncated: {bytes.Length} bytes, less than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8))
            throw Bad($"the header length {headerLength} goes beyond the end of the file ({bytes.Length} bytes; truncated or not a safetensors file)");
        if ((long)headerLength > MaxHeaderBytes) throw Bad($"the header length {headerLength} exceeds the format's limit of {MaxHeaderBytes} bytes");
        int dataStart = 8 + (int)headerLength;
        var data = new ReadOnlyMemory<byte>(bytes, dataStart, bytes.Length - dataStart);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(new ReadOnlyMemory<byte>(bytes, 8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw Bad($"the header is not valid JSON ({e.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Bad($"the header must be a JSON object, found {document.RootElement.ValueKind}");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw Bad($"the header names '{property.Name}' twice");
                if (property.Name == "__metadata__")
                {
                    ReadMetadata(property.Value, metadata, Bad);
                    continue;
                }
                entries.Add(ReadEntry(property.Name, property.Value, Bad));
            }
            CheckLayout(entries, data.Length, Bad);
            var tensors = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
            foreach (var e in entries)
                tensors[e.Name] = new SafetensorsTensor(e.Name, e.DType, e.Shape, data.Slice((int)e.Begin, (int)(e.End - e.Begin)));
            return new SafetensorsFile(path, tensors, metadata);
        }
    }

    static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, Func<string, SafetensorsFormatException> bad)
    {
        if (value.ValueKind == JsonValueKind.Null) return;
        if (value.ValueKind != JsonValueKind.Object) throw bad($"\"__metadata__\" must be an object of strings, found {value.ValueKind}");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String) throw bad($"\"__metadata__\" entry '{item.Name}' must be a string, found {item.Value.ValueKind}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!)) throw bad($"\"__metadata__\" names '{item.Name}' twice");
        }
    }

    static (string, SafetensorsDType, long[], long, long) ReadEntry(string name, JsonElement value, Func<string, SafetensorsFormatException> bad)
    {
        if (value.ValueKind != JsonValueKind.Object) throw bad($"tensor '{name}': the entry must be an object with dtype, shape and data_offsets, found {value.ValueKind}");
        if (!value.TryGetProperty("dtype", out var dtypeValue) || dtypeValue.ValueKind != JsonValueKind.String)
            throw bad($"tensor '{name}': missing the string field \"dtype\"");
        string dtypeName = dtypeValue.GetString()!;
        if (!SafetensorsDTypes.TryParse(dtypeName, out var dtype))
            throw bad($"tensor '{name}': unknown dtype '{dtypeName}' (this reader knows {string.Join(", ", Enum.GetNames<SafetensorsDType>())})");
        if (!value.TryGetProperty("shape", out var shapeValue) || shapeValue.ValueKind != JsonValueKind.Array)
            throw bad($"tensor '{name}': missing the array field \"shape\"");
        var shape = new long[shapeValue.GetArrayLength()];
        int d = 0;
        foreach (var dim in shapeValue.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long n) || n < 0)
                throw bad($"tensor '{name}': shape {shapeValue.GetRawText()} must hold non-negative integers");
            shape[d++] = n;
        }
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw bad($"tensor '{name}': \"data_offsets\" must be an array [begin, end]");
        long begin = 0, end = 0;
        int o = 0;
        foreach (var off in offsets.EnumerateArray())
        {
            if (off.ValueKind != JsonValueKind.Number || !off.TryGetInt64(out long n) || n < 0)
                throw bad($"tensor '{name}': data_offsets {offsets.GetRawText()} must be non-negative integers");
            if (o++ == 0) begin = n;
            else end = n;
        }
        if (end < begin) throw bad($"tensor '{name}': data_offsets [{begin}, {end}] end before they begin");

        long count = 1;
        foreach (long n in shape)
            if (n != 0 && count > long.MaxValue / 8 / n) throw bad($"tensor '{name}': shape [{string.Join(", ", shape)}] is too large");
            else count *= n;
        long expected = count * dtype.Size();
        if (end - begin != expected)
            throw bad($"tensor '{name}': shape [{string.Join(", ", shape)}] of {dtypeName} needs {expected} bytes but data_offsets [{begin}, {end}] hold {end - begin}");
        return (name, dtype, shape, begin, end);
    }

    /// <summary>The byte ranges must tile [0, data length) exactly, as the reference implementation requires.</summary>
    static void CheckLayout(List<(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)> entries, long dataLength,
                            Func<string, SafetensorsFormatException> bad)
    {
        foreach (var e in entries)
            if (e.End > dataLength)
                throw bad($"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] go beyond the data section ({dataLength} bytes; truncated file?)");
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long covered = 0;
        string previous = "";
        foreach (var e in sorted)
        {
            if (e.Begin < covered)
                throw bad($"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] overlap those of '{previous}' (which end at {covered})");
            if (e.Begin > covered)
                throw bad($"tensor '{e.Name}': data_offsets begin at {e.Begin}, leaving bytes [{covered}, {e.Begin}) unused (tensors must be contiguous)");
            covered = e.End;
            previous = e.Name;
        }
        if (covered != dataLength)
            throw bad($"the data section has {dataLength} bytes but the tensors cover only the first {covered} (trailing bytes or a corrupt header)");
    }
}
