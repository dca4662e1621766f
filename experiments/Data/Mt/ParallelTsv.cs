using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Mt;

/// <summary>One aligned sentence pair; <see cref="Id"/> is the verse (e.g. "John.3.16").</summary>
public sealed record ParallelPair(string Id, string Source, string Target);

/// <summary>
/// The parallel corpus file format: UTF-8 (gzipped when the name ends in .gz), a header line
/// <c>id&lt;TAB&gt;es&lt;TAB&gt;en</c> naming the languages, then one pair per line. Text never contains a
/// tab or a newline (the normaliser collapses whitespace), so no quoting is needed.
/// </summary>
public static class ParallelTsv
{
    public static void Write(string path, string sourceLang, string targetLang, IEnumerable<ParallelPair> pairs)
    {
        using var w = TextFiles.OpenWrite(path);
        w.WriteLine($"id\t{sourceLang}\t{targetLang}");
        foreach (var p in pairs)
        {
            if (HasSeparator(p.Id) || HasSeparator(p.Source) || HasSeparator(p.Target))
                throw new ArgumentException($"ParallelTsv.Write: pair {p.Id} contains a tab or newline");
            w.WriteLine($"{p.Id}\t{p.Source}\t{p.Target}");
        }
    }

    /// <summary>Reads a corpus file; malformed lines (wrong field count, empty side) go to <paramref name="log"/>.</summary>
    public static (string SourceLang, string TargetLang, List<ParallelPair> Pairs) Read(string path, BadLineLog log)
    {
        var pairs = new List<ParallelPair>();
        string? sourceLang = null, targetLang = null;
        foreach (var (number, line) in TextFiles.ReadLines(path))
        {
            var f = line.Split('\t');
            if (number == 1)
            {
                if (f.Length != 3 || f[0] != "id")
                    throw new DataInputException($"{path}:1: expected the header 'id<TAB>SRC<TAB>TGT', got '{Clip(line)}'");
                (sourceLang, targetLang) = (f[1], f[2]);
                continue;
            }
            if (f.Length != 3) log.Report(path, number, $"expected 3 tab-separated fields, got {f.Length}");
            else if (f[1].Length == 0 || f[2].Length == 0) log.Report(path, number, "empty sentence");
            else pairs.Add(new ParallelPair(f[0], f[1], f[2]));
        }
        return (sourceLang!, targetLang!, pairs);
    }

    static bool HasSeparator(string s) => s.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0;
    static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "...";
}
