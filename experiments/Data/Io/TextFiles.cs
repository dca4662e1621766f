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
    /// The lines of a text file with their 1-based numbers. Invalid UTF-8 becomes a
    /// <see cref="DataInputException"/> naming the file and the line where decoding failed, and a file
    /// that has no line at all (e.g. a gzip of nothing) is reported as empty.
    /// </summary>
    public static IEnumerable<(long Number, string Text)> ReadLines(string path)
    {
        using var reader = OpenRead(path);
        long number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException)
            {
                throw new DataInputException($"{path}:{number + 1}: not valid UTF-8 (convert the file to UTF-8, e.g. with iconv)");
            }
            catch (InvalidDataException e)
            {
                throw new DataInputException($"{path}: not a valid gzip file ({e.Message})");
            }
            if (line is null) break;
            number++;
            yield return (number, line);
        }
        if (number == 0) throw new DataInputException($"{path}: file is empty");
    }
}
