using System.IO.Compression;
using System.Text;

namespace NativeDsp.Experiments.Data.Io;

/// <summary>
/// Opening text inputs and outputs the same way everywhere: <c>.gz</c> by name, strict UTF-8 (a wrong
/// encoding is an error naming the file and line, not mojibake in the training data), and one clear
/// message for a missing or empty file.
/// </summary>
public static class TextFiles
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Fails with one clear message unless <paramref name="path"/> is an existing, non-empty file.</summary>
    public static void RequireNonEmptyFile(string path, string what = "file")
    {
        if (Directory.Exists(path)) throw new DataInputException($"{path}: is a directory, expected a {what}");
        if (!File.Exists(path)) throw new DataInputException($"{path}: {what} not found");
        if (new FileInfo(path).Length == 0) throw new DataInputException($"{path}: {what} is empty");
    }

    /// <summary>Fails with one clear message unless <paramref name="path"/> is an existing directory.</summary>
    public static void RequireDirectory(string path, string what = "directory")
    {
        if (!Directory.Exists(path)) throw new DataInputException($"{path}: {what} not found");
    }

    /// <summary>A strict UTF-8 reader; gunzips when the name ends in <c>.gz</c>.</summary>
    public static TextReader OpenRead(string path)
    {
        RequireNonEmptyFile(path);
        Stream s = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) s = new GZipStream(s, CompressionMode.Decompress);
        return new StreamReader(s, StrictUtf8, detectEncodingFromByteOrderMarks: true);
    }

    /// <summary>A UTF-8 writer (no BOM, '\n' line ends); gzips when the name ends in <c>.gz</c>.</summary>
    public static TextWriter OpenWrite(string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        Stream s = File.Create(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) s = new GZipStream(s, CompressionLevel.SmallestSize);
        return new StreamWriter(s, StrictUtf8) { NewLine = "\n" };
    }

    /// <summary>
    /// The lines of a text file with their 1-based numbers. Bytes are split at '\n' before decoding, so
    /// invalid UTF-8 is reported at the line where it occurs (<c>file:line: not valid UTF-8</c>); a
    /// leading byte-order mark and '\r' before '\n' are dropped. A file with no line at all (e.g. a gzip
    /// of nothing) is reported as empty. A <c>.gz</c> file whose decompressed length does not match its gzip
    /// trailer is reported as <c>file: truncated gzip stream after N lines</c> (see <see cref="CheckGzipTrailer"/>).
    /// </summary>
    /// <exception cref="DataInputException">The file is missing, empty, not UTF-8, not gzip, or a truncated gzip stream.</exception>
    public static IEnumerable<(long Number, string Text)> ReadLines(string path)
    {
        RequireNonEmptyFile(path);
        using Stream stream = OpenBytes(path);
        var line = new MemoryStream();
        var chunk = new byte[1 << 16];
        long number = 0, decompressed = 0;
        bool first = true;
        while (true)
        {
            int n;
            try
            {
                n = stream.Read(chunk, 0, chunk.Length);
            }
            catch (InvalidDataException e)
            {
                throw new DataInputException($"{path}: not a valid gzip file ({e.Message})");
            }
            if (n == 0) break;
            decompressed += n;
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (chunk[i] != (byte)'\n') continue;
                line.Write(chunk, start, i - start);
                start = i + 1;
                yield return (++number, Decode(line, path, number, ref first));
            }
            line.Write(chunk, start, n - start);
        }
        // Checked before the last, unterminated line is handed out: in a cut file that line is the cut one.
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) CheckGzipTrailer(path, decompressed, number);
        if (line.Length > 0) yield return (++number, Decode(line, path, number, ref first));
        if (number == 0) throw new DataInputException($"{path}: file is empty");
    }

    /// <summary>
    /// .NET's GZipStream ends a stream that was cut short (an interrupted download or copy) without an error, so
    /// a cut file would be read as a shorter one. A complete gzip file ends with an 8-byte trailer whose last 4
    /// bytes (ISIZE, RFC 1952 section 2.3.1) are the decompressed length mod 2^32; a cut file ends inside the
    /// compressed data, whose last 4 bytes match that length only by chance (about 2^-32). Only the last member
    /// of a multi-member file is described by the trailer, so such a file (e.g. <c>cat a.gz b.gz</c>) is refused
    /// too, with a message that says how to rewrite it.
    /// </summary>
    /// <param name="path">The gzip file.</param>
    /// <param name="decompressedBytes">The bytes GZipStream returned.</param>
    /// <param name="completeLines">Lines read before the end, for the message.</param>
    /// <exception cref="DataInputException">The trailer does not match (or the file is too short to have one).</exception>
    public static void CheckGzipTrailer(string path, long decompressedBytes, long completeLines)
    {
        using var file = File.OpenRead(path);
        // 10-byte header + at least a 2-byte empty deflate block + 8-byte trailer.
        bool complete = file.Length >= 20;
        if (complete)
        {
            Span<byte> size = stackalloc byte[4];
            file.Seek(-4, SeekOrigin.End);
            file.ReadExactly(size);
            complete = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(size) == (uint)decompressedBytes;
        }
        if (!complete)
            throw new DataInputException($"{path}: truncated gzip stream after {completeLines} lines (the file ends before its gzip trailer: " +
                                         "copy or download it again; a file of several gzip members must be recompressed as one, e.g. gunzip -c | gzip)");
    }

    static Stream OpenBytes(string path)
    {
        Stream s = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(s, CompressionMode.Decompress) : s;
    }

    static string Decode(MemoryStream line, string path, long number, ref bool first)
    {
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (first && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        first = false;
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new DataInputException($"{path}:{number}: not valid UTF-8 (convert the file to UTF-8, e.g. with iconv)");
        }
        finally
        {
            line.SetLength(0);
        }
    }
}
