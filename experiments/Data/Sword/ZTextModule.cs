using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Sword;

/// <summary>
/// Reads a SWORD zText Bible module (the format of Debian's sword-text-* packages). Each testament
/// (<c>ot</c>, <c>nt</c>) has three files:
/// <list type="bullet">
/// <item><c>.bzs</c>: one 12-byte entry per compressed block: offset into .bzz, compressed size, uncompressed size (uint32 LE).</item>
/// <item><c>.bzv</c>: one 10-byte entry per verse index: block number (uint32), offset and size inside the
/// uncompressed block (uint32, uint16), all LE; size 0 means an empty entry.</item>
/// <item><c>.bzz</c>: the blocks, each a zlib stream (CompressType=ZIP).</item>
/// </list>
/// Entries are indexed as SWORD's versification lays them out, headings included (see
/// <see cref="KjvVersification"/>); this class only knows entries, not verses.
/// </summary>
public sealed class ZTextModule
{
    public const int BlockEntrySize = 12;
    public const int VerseEntrySize = 10;

    readonly TestamentFiles[] testaments;

    ZTextModule(string directory, TestamentFiles ot, TestamentFiles nt)
    {
        Directory = directory;
        testaments = [ot, nt];
    }

    public string Directory { get; }

    /// <summary>Number of entries of a testament (0 = Old, 1 = New), headings included.</summary>
    public int EntryCount(int testament) => testaments[testament].VerseEntries.Length / VerseEntrySize;

    /// <summary>Opens the module whose <c>ot.bz*</c> and <c>nt.bz*</c> files are in <paramref name="directory"/>.</summary>
    public static ZTextModule Open(string directory)
    {
        TextFiles.RequireDirectory(directory, "SWORD module directory");
        return new ZTextModule(directory, TestamentFiles.Load(directory, "ot"), TestamentFiles.Load(directory, "nt"));
    }

    /// <summary>The raw (marked-up) text of entry <paramref name="index"/> of a testament; "" for an empty entry.</summary>
    public string Entry(int testament, int index)
    {
        var t = testaments[testament];
        if ((uint)index >= (uint)EntryCount(testament))
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"ZTextModule.Entry: {Directory} testament {testament} has {EntryCount(testament)} entries");
        var e = t.VerseEntries.AsSpan(index * VerseEntrySize, VerseEntrySize);
        uint block = BinaryPrimitives.ReadUInt32LittleEndian(e);
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
        ushort size = BinaryPrimitives.ReadUInt16LittleEndian(e[8..]);
        if (size == 0) return "";
        byte[] text = t.Block(block);
        if (offset + size > text.Length)
            throw new DataInputException($"{t.Name}.bzv: entry {index} points past the end of block {block} ({offset}+{size} > {text.Length})");
        return Encoding.UTF8.GetString(text, (int)offset, size);
    }

    /// <summary>One testament's index files in memory, and its blocks decompressed on first use.</summary>
    sealed class TestamentFiles
    {
        public required string Name { get; init; }
        public required byte[] BlockEntries { get; init; }
        public required byte[] VerseEntries { get; init; }
        public required byte[] Compressed { get; init; }
        readonly Dictionary<uint, byte[]> blocks = [];

        public static TestamentFiles Load(string dir, string testament)
        {
            string Path(string ext) => System.IO.Path.Combine(dir, testament + ext);
            foreach (var ext in new[] { ".bzs", ".bzv", ".bzz" })
                if (!File.Exists(Path(ext))) throw new DataInputException($"{Path(ext)}: missing file of the zText module in {dir}");
            var files = new TestamentFiles
            {
                Name = Path(""),
                BlockEntries = File.ReadAllBytes(Path(".bzs")),
                VerseEntries = File.ReadAllBytes(Path(".bzv")),
                Compressed = File.ReadAllBytes(Path(".bzz")),
            };
            if (files.BlockEntries.Length % BlockEntrySize != 0)
                throw new DataInputException($"{Path(".bzs")}: size {files.BlockEntries.Length} is not a multiple of {BlockEntrySize}");
            if (files.VerseEntries.Length % VerseEntrySize != 0)
                throw new DataInputException($"{Path(".bzv")}: size {files.VerseEntries.Length} is not a multiple of {VerseEntrySize}");
            return files;
        }

        public byte[] Block(uint index)
        {
            if (blocks.TryGetValue(index, out var cached)) return cached;
            if (index >= BlockEntries.Length / BlockEntrySize)
                throw new DataInputException($"{Name}.bzv: block {index} out of range ({BlockEntries.Length / BlockEntrySize} blocks)");
            var e = BlockEntries.AsSpan((int)index * BlockEntrySize, BlockEntrySize);
            uint offset = BinaryPrimitives.ReadUInt32LittleEndian(e);
            uint compressedSize = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(e[8..]);
            if ((ulong)offset + compressedSize > (ulong)Compressed.Length)
                throw new DataInputException($"{Name}.bzs: block {index} ({offset}+{compressedSize}) lies past the end of .bzz ({Compressed.Length} bytes)");
            var output = new byte[size];
            try
            {
                using var z = new ZLibStream(new MemoryStream(Compressed, (int)offset, (int)compressedSize), CompressionMode.Decompress);
                z.ReadExactly(output);
            }
            catch (Exception e2) when (e2 is InvalidDataException or EndOfStreamException)
            {
                throw new DataInputException($"{Name}.bzz: block {index} does not decompress to {size} bytes ({e2.Message})");
            }
            blocks[index] = output;
            return output;
        }
    }
}
