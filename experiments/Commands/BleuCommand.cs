using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Metrics;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp bleu REF_FILE [REF_FILE ...] HYP_FILE</c>: corpus BLEU with sacreBLEU's defaults, printed
/// as sacreBLEU prints it, then its signature line. Files are UTF-8 text (or .gz), one segment a line.
/// </summary>
/// <remarks>
/// Files are read as sacreBLEU reads them (<c>open(path, encoding='utf-8', newline='\n')</c>): lines end at '\n'
/// only, and a UTF-8 byte-order mark is kept as the character U+FEFF at the start of the first segment (it is
/// not whitespace to Python, so it sticks to the first word). This is deliberate: the score is sacreBLEU's
/// on every file, and a BOM present in one file but not the other costs the first word's n-grams there too.
/// A '\r' before '\n' is dropped here; sacreBLEU rstrip()s it, which is the same.
/// </remarks>
public static class BleuCommand
{
    public const string Usage = """
        usage: nativedsp bleu REF_FILE [REF_FILE ...] HYP_FILE [--lowercase] [--tokenize 13a|none] [--smooth exp|none|floor]
          one segment per line; every reference file must have as many lines as the hypothesis file
        """;

    public static int Run(string[] args)
    {
        var o = CommandOptions.Parse(args, ["--tokenize", "--smooth"], ["--lowercase"], Usage);
        if (o.Positional.Count < 2) throw new UsageException("expected at least one reference file and a hypothesis file", Usage);
        string tokenizer = o.Get("--tokenize") ?? "13a";
        if (tokenizer is not ("13a" or "none")) throw new UsageException($"--tokenize must be 13a or none, got '{tokenizer}'", Usage);
        var smoothing = (o.Get("--smooth") ?? "exp") switch
        {
            "exp" => BleuSmoothing.Exp,
            "none" => BleuSmoothing.None,
            "floor" => BleuSmoothing.Floor,
            var s => throw new UsageException($"--smooth must be exp, none or floor, got '{s}'", Usage),
        };
        try
        {
            var score = ScoreFiles(o.Positional[..^1], o.Positional[^1], o.Has("--lowercase"), tokenizer == "13a", smoothing);
            Console.WriteLine(score);
            Console.WriteLine(CorpusBleu.Signature(o.Positional.Count - 1, o.Has("--lowercase"), tokenizer, smoothing));
            return 0;
        }
        catch (DataInputException e)
        {
            Console.Error.WriteLine($"nativedsp bleu: {e.Message}");
            return 1;
        }
    }

    /// <summary>Corpus BLEU of a hypothesis file against reference files, read as sacreBLEU reads them.</summary>
    /// <exception cref="DataInputException">A file is missing, empty or not UTF-8, or line counts differ.</exception>
    public static BleuScore ScoreFiles(IReadOnlyList<string> refFiles, string hypFile, bool lowercase, bool tokenize13a, BleuSmoothing smoothing)
    {
        var hyp = ReadSegments(hypFile);
        var refs = new List<IReadOnlyList<string>>();
        foreach (var f in refFiles)
        {
            var r = ReadSegments(f);
            if (r.Count != hyp.Count)
                throw new DataInputException($"{f} has {r.Count} lines but {hypFile} has {hyp.Count}; BLEU needs one reference line per hypothesis line");
            refs.Add(r);
        }
        return CorpusBleu.Compute(hyp, refs, smoothing, lowercase, tokenize13a);
    }

    static List<string> ReadSegments(string path) => TextFiles.ReadLines(path, keepByteOrderMark: true).Select(l => l.Text).ToList();
}
