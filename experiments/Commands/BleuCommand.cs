using System.CommandLine;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Metrics;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp bleu REF_FILE [REF_FILE ...] HYP_FILE</c>: corpus BLEU with sacreBLEU's defaults, printed
/// as sacreBLEU prints it, then its signature line. Files are UTF-8 text (or .gz), one segment a line.
/// </summary>
public static class BleuCommand
{
    /// <summary>sacreBLEU's --tokenize choices we implement.</summary>
    static readonly string[] Tokenizers = ["13a", "none"];

    public static Command Create()
    {
        var command = new Command("bleu", "corpus BLEU of a hypothesis file against reference files (sacreBLEU's default)");
        var files = new Argument<string[]>("FILES")
        {
            Description = "REF_FILE [REF_FILE ...] HYP_FILE: one segment per line; every reference file has as many lines as the hypothesis file",
            Arity = ArgumentArity.OneOrMore,
        };
        files.Validators.Add(r =>
        {
            if (r.Tokens.Count < 2) r.AddError("expected at least one reference file and a hypothesis file");
        });
        var lowercase = new Option<bool>("--lowercase") { Description = "compare lower-cased text (sacreBLEU -lc)" };
        var tokenize = new Option<string>("--tokenize") { Description = "tokenizer: 13a (default) or none", HelpName = "13a|none", DefaultValueFactory = _ => "13a" };
        tokenize.AcceptOnlyFromAmong(Tokenizers);
        var smooth = CliOptions.Choice("--smooth", "smoothing of zero n-gram counts (sacreBLEU's methods)", BleuSmoothing.Exp);
        command.Arguments.Add(files);
        command.Options.Add(lowercase);
        command.Options.Add(tokenize);
        command.Options.Add(smooth.Option);
        command.SetAction(parsed =>
        {
            var paths = parsed.GetValue(files)!;
            string hypFile = paths[^1];
            string tokenizer = parsed.GetValue(tokenize)!;
            bool lower = parsed.GetValue(lowercase);
            var smoothing = smooth.Value(parsed);
            var hyp = ReadSegments(hypFile);
            var refs = new List<IReadOnlyList<string>>();
            foreach (var f in paths[..^1])
            {
                var r = ReadSegments(f);
                if (r.Count != hyp.Count)
                    throw new DataInputException($"{f} has {r.Count} lines but {hypFile} has {hyp.Count}; BLEU needs one reference line per hypothesis line");
                refs.Add(r);
            }
            Console.WriteLine(CorpusBleu.Compute(hyp, refs, smoothing, lower, tokenizer == "13a"));
            Console.WriteLine(CorpusBleu.Signature(refs.Count, lower, tokenizer, smoothing));
            return 0;
        });
        return command;
    }

    static List<string> ReadSegments(string path) => TextFiles.ReadLines(path).Select(l => l.Text).ToList();
}
