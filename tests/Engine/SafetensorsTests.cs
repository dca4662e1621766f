using System.Buffers.Binary;
using System.Text;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;

namespace NativeDsp.Tests.Engine;

/// <summary>The safetensors writer and reader: round trips, the exact byte layout, other dtypes, validation, atomicity.</summary>
public sealed class SafetensorsTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("nativedsp-safetensors-").FullName;

    string PathOf(string name) => Path.Combine(directory, name);

    static float[] Random(int n, int seed)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * MathF.Pow(10, rng.Next(-30, 30))).ToArray();
    }

    [Fact]
    public void RoundTrip_KeepsNamesShapesMetadataAndBits()
    {
        // Awkward values on purpose: bit-exactness must hold for NaN payloads, -0, subnormals and infinities too.
        float[] special = [float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234), -0f, 1e-45f, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue];
        var tensors = new Dictionary<string, HostTensor>
        {
            ["z.last"] = new(new Shape(3, 5, 7), Random(105, 1)),
            ["a.first"] = new(new Shape(special.Length), special),
            ["m.scalar"] = new(Shape.Scalar, [42.5f]),
            ["m.empty"] = new(new Shape(0, 3), []),
            ["b.odd"] = new(new Shape(1, 13), Random(13, 2)),
        };
        var metadata = new Dictionary<string, string> { ["step"] = "17", ["note"] = "ünïcode \"quoted\"" };
        string path = PathOf("round.safetensors");
        SafetensorsWriter.Write(path, tensors, metadata);

        var file = SafetensorsFile.Read(path);
        Assert.Equal(tensors.Keys.Order(), file.Tensors.Keys.Order());
        foreach (var (name, expected) in tensors)
        {
            var t = file[name];
            Assert.Equal(SafetensorsDType.F32, t.DType);
            Assert.Equal(expected.Shape.ToArray().Select(d => (long)d), t.Shape);
            Assert.Equal(expected.Data.Select(BitConverter.SingleToInt32Bits), t.ToFloat32().Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expected.Shape, t.ToHostTensor().Shape);
        }
        Assert.Equal(metadata.OrderBy(kv => kv.Key), file.Metadata.OrderBy(kv => kv.Key));
    }

    /// <summary>
    /// The layout other tools expect, checked byte for byte on a small file: u64 LE header length, the
    /// header JSON (names sorted, offsets contiguous from 0, metadata strings) padded with spaces to a
    /// multiple of 8, then little-endian float32 data in name order.
    /// </summary>
    [Fact]
    public void Layout_IsTheHuggingFaceFormat()
    {
        string path = PathOf("layout.safetensors");
        SafetensorsWriter.Write(path, new Dictionary<string, HostTensor>
        {
            ["w"] = new(new Shape(2), [1f, -2f]),
            ["b"] = new(new Shape(1, 1), [0.5f]),
        }, new Dictionary<string, string> { ["k"] = "v" });
        byte[] bytes = File.ReadAllBytes(path);

        string json = "{\"__metadata__\":{\"k\":\"v\"},\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        while (json.Length % 8 != 0) json += " ";
        var expected = new List<byte>();
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        expected.AddRange(length);
        expected.AddRange(Encoding.UTF8.GetBytes(json));
        foreach (float x in new[] { 0.5f, 1f, -2f })
        {
            var four = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(four, x);
            expected.AddRange(four);
        }
        Assert.Equal(expected.ToArray(), bytes);
    }

    [Fact]
    public void Reads_F16_BF16_F64_I64_I32()
    {
        var data = new List<byte>();
        var header = new StringBuilder("{");
        void Add(string name, string dtype, int[] shape, byte[] raw)
        {
            if (header.Length > 1) header.Append(',');
            header.Append($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{data.Count},{data.Count + raw.Length}]}}");
            data.AddRange(raw);
        }
        byte[] Bytes<TV>(TV[] values, int size, Action<byte[], TV> write) => values.SelectMany(v => { var b = new byte[size]; write(b, v); return b; }).ToArray();

        Half[] halves = [(Half)1.5f, (Half)(-2f), Half.MaxValue, Half.Epsilon];
        float[] bfloats = [1f, -3.5f, 1.0078125f]; // exactly representable in bfloat16 (8 significant bits)
        double[] doubles = [Math.PI, -1e-3, 1e300];
        long[] longs = [long.MinValue, -1, 1L << 40];
        int[] ints = [int.MaxValue, -7, 0];
        Add("h", "F16", [2, 2], Bytes(halves, 2, (b, v) => BinaryPrimitives.WriteHalfLittleEndian(b, v)));
        Add("bf", "BF16", [3], Bytes(bfloats, 2, (b, v) => BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16))));
        Add("d", "F64", [3], Bytes(doubles, 8, (b, v) => BinaryPrimitives.WriteDoubleLittleEndian(b, v)));
        Add("l", "I64", [3], Bytes(longs, 8, (b, v) => BinaryPrimitives.WriteInt64LittleEndian(b, v)));
        Add("i", "I32", [1, 3], Bytes(ints, 4, (b, v) => BinaryPrimitives.WriteInt32LittleEndian(b, v)));
        header.Append('}');
        string path = PathOf("dtypes.safetensors");
        File.WriteAllBytes(path, Compose(Encoding.UTF8.GetBytes(header.ToString()), data.ToArray()));

        var file = SafetensorsFile.Read(path);
        Assert.Equal(halves.Select(h => (float)h), file["h"].ToFloat32());
        Assert.Equal(bfloats, file["bf"].ToFloat32());
        Assert.Equal(doubles.Select(d => (float)d), file["d"].ToFloat32());
        Assert.Equal(longs, file["l"].ToInt64());
        Assert.Equal(ints.Select(i => (long)i), file["i"].ToInt64());
        Assert.Equal(new long[] { 1, 3 }, file["i"].Shape);
        Assert.Throws<InvalidOperationException>(() => file["l"].ToFloat32());
    }

    static byte[] Compose(byte[] header, byte[] data, ulong? declaredLength = null)
    {
        var result = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, declaredLength ?? (ulong)header.Length);
        header.CopyTo(result, 8);
        data.CopyTo(result, 8 + header.Length);
        return result;
    }

    static byte[] FileWith(string header, int dataBytes, ulong? declaredLength = null) =>
        Compose(Encoding.UTF8.GetBytes(header), new byte[dataBytes], declaredLength);

    const string Good = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";

    public static TheoryData<string, string> CorruptFiles => new()
    {
        { "short", "truncated" },
        { "header-beyond-file", "goes beyond the end of the file" },
        { "bad-json", "not valid JSON" },
        { "not-object", "must be a JSON object" },
        { "unknown-dtype", "unknown dtype 'Q4_K'" }, // a GGUF type, not one of the format's
        { "offsets-outside", "go beyond the data section" },
        { "overlap", "overlap those of 'a'" },
        { "gap", "unused" },
        { "trailing", "trailing bytes" },
        { "shape-mismatch", "needs 12 bytes but data_offsets [0, 8] hold 8" },
        { "negative-shape", "non-negative integers" },
        { "missing-offsets", "data_offsets" },
        { "metadata-not-string", "must be a string" },
        { "truncated-data", "go beyond the data section" },
    };

    [Theory, MemberData(nameof(CorruptFiles))]
    public void CorruptFile_GivesOneErrorNamingTheFile(string kind, string expectedProblem)
    {
        byte[] bytes = kind switch
        {
            "short" => [1, 2, 3],
            "header-beyond-file" => FileWith(Good, 12, declaredLength: 10_000),
            "bad-json" => FileWith("{\"a\":{\"dtype\":\"F32\",", 12),
            "not-object" => FileWith("[1, 2]", 0),
            "unknown-dtype" => FileWith(Good.Replace("\"F32\",\"shape\":[1]", "\"Q4_K\",\"shape\":[1]"), 12),
            "offsets-outside" => FileWith(Good.Replace("[8,12]", "[8,12]").Replace("\"shape\":[1],\"data_offsets\":[8,12]", "\"shape\":[1],\"data_offsets\":[12,16]"), 12),
            "overlap" => FileWith(Good.Replace("\"shape\":[1],\"data_offsets\":[8,12]", "\"shape\":[1],\"data_offsets\":[4,8]"), 8),
            "gap" => FileWith(Good.Replace("\"shape\":[1],\"data_offsets\":[8,12]", "\"shape\":[1],\"data_offsets\":[12,16]"), 16),
            "trailing" => FileWith(Good, 20),
            "shape-mismatch" => FileWith(Good.Replace("\"shape\":[2]", "\"shape\":[3]"), 12),
            "negative-shape" => FileWith(Good.Replace("\"shape\":[2]", "\"shape\":[-2]"), 12),
            "missing-offsets" => FileWith("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8),
            "metadata-not-string" => FileWith("{\"__metadata__\":{\"step\":3}}", 0),
            "truncated-data" => WrittenThenCut(),
            _ => throw new ArgumentException(kind),
        };
        string path = PathOf($"{kind}.safetensors");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expectedProblem, e.Message);
        Assert.Equal(path, e.FilePath);
    }

    /// <summary>A real file cut short in its data: the case a crashed non-atomic writer would leave.</summary>
    byte[] WrittenThenCut()
    {
        string full = PathOf("to-cut.safetensors");
        SafetensorsWriter.Write(full, new Dictionary<string, HostTensor> { ["x"] = new(new Shape(4, 4), Random(16, 3)) });
        var bytes = File.ReadAllBytes(full);
        return bytes[..^5];
    }

    [Fact]
    public void EveryTruncation_OfAValidFile_IsReportedAsAFormatError()
    {
        // Cut at every length: whatever part is missing, the reader must say so (never read garbage or crash otherwise).
        string full = PathOf("cut-source.safetensors");
        SafetensorsWriter.Write(full, new Dictionary<string, HostTensor> { ["x"] = new(new Shape(3), [1f, 2f, 3f]), ["y"] = new(new Shape(1), [4f]) },
                                new Dictionary<string, string> { ["m"] = "v" });
        var bytes = File.ReadAllBytes(full);
        for (int length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Parse("cut.safetensors", bytes[..length]));
            Assert.Contains("cut.safetensors", e.Message);
        }
    }

    [Fact]
    public void FailedWrite_LeavesTheOldTargetAndNoTemporaryFile()
    {
        string path = PathOf("atomic.safetensors");
        var original = new Dictionary<string, HostTensor> { ["x"] = new(new Shape(2), [1f, 2f]) };
        SafetensorsWriter.Write(path, original);
        byte[] before = File.ReadAllBytes(path);

        // The second tensor's source fails after the header and the first tensor have been written.
        var failing = new[]
        {
            new SafetensorsEntry("a", [1000], () => new float[1000]),
            new SafetensorsEntry("b", [2], () => throw new InvalidOperationException("device lost")),
        };
        var e = Assert.Throws<InvalidOperationException>(() => SafetensorsWriter.Write(path, failing));
        Assert.Equal("device lost", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(directory));

        // No target before: none after.
        string fresh = PathOf("never.safetensors");
        Assert.Throws<InvalidOperationException>(() => SafetensorsWriter.Write(fresh, failing));
        Assert.False(File.Exists(fresh));
        Assert.Equal(new[] { path }, Directory.GetFiles(directory));
    }

    [Fact]
    public void Writer_RejectsASourceOfTheWrongLength_AndDuplicateNames()
    {
        string path = PathOf("bad.safetensors");
        var e = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new SafetensorsEntry("w", [2, 3], () => new float[5])]));
        Assert.Contains("'w'", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.False(File.Exists(path));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path,
            [new SafetensorsEntry("w", [1], () => new float[1]), new SafetensorsEntry("w", [1], () => new float[1])]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new SafetensorsEntry("__metadata__", [1], () => new float[1])]));
    }

    [Fact]
    public void MissingFile_NamesIt()
    {
        string path = PathOf("absent.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Read(path));
        Assert.Contains(path, e.Message);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
