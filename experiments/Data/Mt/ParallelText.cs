using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Mt;

/// <summary>
/// Plain parallel text as fairseq, Moses and OPUS distribute it: two UTF-8 files (each gzipped when its name
/// ends in .gz), one sentence a line, line i of one the translation of line i of the other. Pairs get the id
/// "N" (the 1-based line number). A line-count mismatch is refused naming both files and both counts; an
/// empty line on either side is a malformed line (<c>file:line: empty sentence</c>, to the
/// <see cref="BadLineLog"/>); an empty file, a missing file and invalid UTF-8 are refused by
/// <see cref="TextFiles"/> with file (and line). Whitespace at the ends of a line is dropped.
/// </summary>
public static class ParallelText
{
    /// <exception cref="DataInputException">A missing or empty file, invalid UTF-8, unequal line counts, or (under
    /// <see cref="BadLinePolicy.Error"/>) an empty sentence; the message names file and line.</exception>
    public static List<ParallelPair> Read(string sourcePath, string targetPath, BadLineLog log)
    {
        TextFiles.RequireNonEmptyFile(sourcePath, "source file");
        TextFiles.RequireNonEmptyFile(targetPath, "target file");
        var pairs = new List<ParallelPair>();
        using var source = TextFiles.ReadLines(sourcePath).GetEnumerator();
        using var target = TextFiles.ReadLines(targetPath).GetEnumerator();
        long sourceLines = 0, targetLines = 0;
        while (true)
        {
            bool hasSource = source.MoveNext(), hasTarget = target.MoveNext();
            if (hasSource) sourceLines++;
            if (hasTarget) targetLines++;
            if (!hasSource || !hasTarget)
            {
                if (hasSource || hasTarget)
                {
                    // Count the rest so the message gives both totals.
                    while (source.MoveNext()) sourceLines++;
                    while (target.MoveNext()) targetLines++;
                    throw new DataInputException($"{sourcePath} has {sourceLines} lines but {targetPath} has {targetLines}: parallel files must have one sentence a line on both sides");
                }
                break;
            }
            var (number, s) = source.Current;
            string src = s.Trim(), tgt = target.Current.Text.Trim();
            if (src.Length == 0) log.Report(sourcePath, number, "empty sentence (its translation is line " + number + $" of {targetPath})");
            else if (tgt.Length == 0) log.Report(targetPath, number, "empty sentence (its source is line " + number + $" of {sourcePath})");
            else pairs.Add(new ParallelPair(number.ToString(System.Globalization.CultureInfo.InvariantCulture), src, tgt));
        }
        return pairs;
    }

    /// <summary>Writes pairs as the two files of <see cref="Read"/> (gzipped by name), each atomically.</summary>
    public static void Write(string sourcePath, string targetPath, IEnumerable<ParallelPair> pairs)
    {
        var list = pairs.ToList();
        foreach (var (path, side) in new[] { (sourcePath, 0), (targetPath, 1) })
        {
            string temporary = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8] + (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? ".gz" : "");
            try
            {
                using (var w = TextFiles.OpenWrite(temporary))
                    foreach (var p in list)
                    {
                        string text = side == 0 ? p.Source : p.Target;
                        if (text.AsSpan().IndexOfAny('\n', '\r') >= 0) throw new ArgumentException($"ParallelText.Write: pair {p.Id} has a line break");
                        w.WriteLine(text);
                    }
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }
    }
}
