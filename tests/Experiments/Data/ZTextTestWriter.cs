using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NativeDsp.Experiments.Data.Sword;

namespace NativeDsp.Tests.Experiments.Data;

/// <summary>
/// Writes a zText module in the format SWORD uses (the inverse of ZTextModule), so that tests exercise
/// the reader on modules whose every byte they control: blocks of several entries, zlib-compressed;
/// empty entries stored as (0, 0, 0).
/// </summary>
public static class ZTextTestWriter
{
    public static void Write(string dir, IReadOnlyList<string> oldTestament, IReadOnlyList<string> newTestament, int entriesPerBlock)
    {
        Directory.CreateDirectory(dir);
        WriteTestament(Path.Combine(dir, "ot"), oldTestament, entriesPerBlock);
        WriteTestament(Path.Combine(dir, "nt"), newTestament, entriesPerBlock);
    }

    static void WriteTestament(string prefix, IReadOnlyList<string> entries, int entriesPerBlock)
    {
        using var bzs = new MemoryStream();
        using var bzv = new MemoryStream();
        using var bzz = new MemoryStream();
        Span<byte> buf = stackalloc byte[12];
        for (int first = 0, block = 0; first < entries.Count; first += entriesPerBlock, block++)
        {
            using var raw = new MemoryStream();
            for (int i = first; i < Math.Min(entries.Count, first + entriesPerBlock); i++)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(entries[i]);
                BinaryPrimitives.WriteUInt32LittleEndian(buf, bytes.Length == 0 ? 0u : (uint)block);
                BinaryPrimitives.WriteUInt32LittleEndian(buf[4..], bytes.Length == 0 ? 0u : (uint)raw.Position);
                BinaryPrimitives.WriteUInt16LittleEndian(buf[8..], checked((ushort)bytes.Length));
                bzv.Write(buf[..10]);
                raw.Write(bytes);
            }
            using var compressed = new MemoryStream();
            using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());
            BinaryPrimitives.WriteUInt32LittleEndian(buf, (uint)bzz.Position);
            BinaryPrimitives.WriteUInt32LittleEndian(buf[4..], (uint)compressed.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(buf[8..], (uint)raw.Length);
            bzs.Write(buf);
            bzz.Write(compressed.ToArray());
        }
        File.WriteAllBytes(prefix + ".bzs", bzs.ToArray());
        File.WriteAllBytes(prefix + ".bzv", bzv.ToArray());
        File.WriteAllBytes(prefix + ".bzz", bzz.ToArray());
    }

    /// <summary>
    /// A whole Bible in the KJV layout (headings included) whose verse entries are produced by
    /// <paramref name="verseText"/>; heading entries carry OSIS book and chapter markers as real modules do.
    /// </summary>
    public static (List<string> Ot, List<string> Nt) KjvShaped(Func<VerseRef, string> verseText)
    {
        var t = new[] { new List<string> { "", "<milestone type=\"x-importer\"/>" }, new List<string> { "", "<milestone type=\"x-importer\"/>" } };
        for (int b = 0; b < KjvVersification.Books.Count; b++)
        {
            var book = KjvVersification.Books[b];
            var list = t[KjvVersification.Testament(b)];
            list.Add($"<div osisID=\"{book.OsisId}\" sID=\"b{b}\" type=\"book\"/><title type=\"main\">{book.Name}</title>");
            for (int c = 1; c <= book.Chapters; c++)
            {
                list.Add($"<chapter n=\"{c}\" osisID=\"{book.OsisId}.{c}\" sID=\"{book.OsisId}.{c}\"/> ");
                for (int v = 1; v <= book.VersesPerChapter[c - 1]; v++) list.Add(verseText(new VerseRef(b, c, v)));
            }
        }
        return (t[0], t[1]);
    }
}
