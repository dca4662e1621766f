using System.CommandLine;
using NativeDsp.Experiments.Tokenization;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp tokenize --init minilm|PATH FILE [--ids] [--pair] [--max-len N]</c>: BERT uncased WordPiece of
/// each line of FILE on stdout, nothing else. The logic is <see cref="LineTokenizer"/>; this file only wires it.
/// </summary>
public static class TokenizeCommand
{
    public static Command Create()
    {
        var command = new Command("tokenize", "BERT uncased WordPiece tokens (or ids, or packed pairs) of each line of a file, one line out per line in");
        var file = new Argument<string>("FILE") { Description = "UTF-8 text (or .gz), one text a line (with --pair: premise<TAB>hypothesis)" };
        var init = new Option<string>("--init")
        {
            Description = "the vocabulary: minilm (MiniLM's uncased BERT vocabulary), a BERT checkpoint directory holding vocab.txt, or a vocab.txt",
            HelpName = "minilm|PATH",
            Required = true,
        };
        var ids = new Option<bool>("--ids") { Description = "print vocabulary ids instead of tokens" };
        var pair = new Option<bool>("--pair") { Description = "lines are premise<TAB>hypothesis, printed as the classifier sees them: [CLS] premise [SEP] hypothesis [SEP]" };
        var maxLength = CliOptions.Integer("--max-len", "with --pair: positions a pair is cut to, as BERT's _truncate_seq_pair cuts it", 3, LineTokenizer.DefaultMaxLength);
        command.Arguments.Add(file);
        foreach (Option o in new Option[] { init, ids, pair, maxLength }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var tokenizer = LineTokenizer.Load(parsed.GetValue(init)!);
            LineTokenizer.Run(tokenizer, parsed.GetValue(file)!, Console.Out, parsed.GetValue(ids) ? LineTokenizerOutput.Ids : LineTokenizerOutput.Tokens,
                              parsed.GetValue(pair), parsed.GetValue(maxLength));
            return 0;
        });
        return command;
    }
}
