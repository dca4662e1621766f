using System.IO.Compression;
using System.Text;
using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// Small data folders for <c>--data</c>: the committed NLI vocabulary with the first lines of the committed
/// splits (fast to load in a child process), or with a split replaced by damaged content.
/// </summary>
public static class TinyData
{
    /// <summary>The first <paramref name="lines"/> lines (header included) of a committed gzipped split.</summary>
    public static string[] Head(string task, string file, int lines)
    {
        string dir = task == "mt" ? DataPaths.MtDir() : DataPaths.NliDir();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(dir, file)), CompressionMode.Decompress));
        var head = new List<string>();
        while (head.Count < lines && reader.ReadLine() is string line) head.Add(line);
        return head.ToArray();
    }

    /// <summary>Writes <paramref name="lines"/> gzipped, one '\n'-terminated line each.</summary>
    public static byte[] Gzip(IEnumerable<string> lines)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            var bytes = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
            gz.Write(bytes);
        }
        return output.ToArray();
    }

    /// <summary>
    /// A data root under <paramref name="root"/> with nli/ holding the committed vocabulary and the first
    /// <paramref name="trainLines"/> / <paramref name="testLines"/> lines (with header) of the committed splits.
    /// </summary>
    public static string Nli(string root, int trainLines = 200, int testLines = 40)
    {
        string nli = Path.Combine(root, "nli");
        Directory.CreateDirectory(nli);
        File.Copy(Path.Combine(DataPaths.NliDir(), "wordpiece.vocab.txt"), Path.Combine(nli, "wordpiece.vocab.txt"));
        File.WriteAllBytes(Path.Combine(nli, "lexnli.train.tsv.gz"), Gzip(Head("nli", "lexnli.train.tsv.gz", trainLines)));
        File.WriteAllBytes(Path.Combine(nli, "lexnli.test.tsv.gz"), Gzip(Head("nli", "lexnli.test.tsv.gz", testLines)));
        return root;
    }

    /// <summary>A data root under <paramref name="root"/> with mt/ holding the committed BPE model and the first lines of the committed splits.</summary>
    public static string Mt(string root, int trainLines = 200, int testLines = 40)
    {
        string mt = Path.Combine(root, "mt");
        Directory.CreateDirectory(mt);
        foreach (var f in new[] { "bpe.vocab.json", "bpe.merges.txt" }) File.Copy(Path.Combine(DataPaths.MtDir(), f), Path.Combine(mt, f));
        File.WriteAllBytes(Path.Combine(mt, "es-en.train.tsv.gz"), Gzip(Head("mt", "es-en.train.tsv.gz", trainLines)));
        File.WriteAllBytes(Path.Combine(mt, "es-en.test.tsv.gz"), Gzip(Head("mt", "es-en.test.tsv.gz", testLines)));
        return root;
    }
}
