using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Metrics;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp bleu REF_FILE [REF_FILE ...] HYP_FILE</c>: corpus BLEU with sacreBLEU's defaults, printed
/// as sacreBLEU prints it, then its signature line. Files are UTF-8 text (or .gz), one segment a line.
/// </summary>
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
            var refFiles = o.Positional[..^1];
            string hypFile = o.Positional[^1];
            var hyp = ReadSegments(hypFile);
            var refs = new List<IReadOnlyList<string>>();
            foreach (var f in refFiles)
            {
                var r = ReadSegments(f);
                if (r.Count != hyp.Count)
                    throw new DataInputException($"{f} has {r.Count} lines but {hypFile} has {hyp.Count}; BLEU needs one reference line per hypothesis line");
                refs.Add(r);
            }
            var score = CorpusBleu.Compute(hyp, refs, smoothing, o.Has("--lowercase"), tokenizer == "13a");
            Console.WriteLine(score);
            Console.WriteLine(CorpusBleu.Signature(refs.Count, o.Has("--lowercase"), tokenizer, smoothing));
            return 0;
        }
        catch (DataInputException e)
        {
            Console.Error.WriteLine($"nativedsp bleu: {e.Message}");
            return 1;
        }
    }

    static List<string> ReadSegments(string path) => TextFiles.ReadLines(path).Select(l => l.Text).ToList();
}
