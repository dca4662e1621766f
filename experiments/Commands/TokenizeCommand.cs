using System.Globalization;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Tokenization;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp tokenize --init minilm|PATH FILE [--ids] [--pair] [--max-len N]</c>: BERT uncased WordPiece of
/// each line of FILE on stdout, nothing else (the logic is <see cref="LineTokenizer"/>).
/// </summary>
public static class TokenizeCommand
{
    public const string Usage = """
        usage: nativedsp tokenize --init minilm|PATH FILE [--ids] [--pair] [--max-len N]
          prints, for each line of FILE, its WordPiece tokens separated by single spaces (one line out per line in)
          --init PATH   minilm (MiniLM's uncased vocabulary), a BERT checkpoint directory with vocab.txt, or a vocab.txt
          --ids         print vocabulary ids instead of tokens
          --pair        lines are premise<TAB>hypothesis, printed as [CLS] premise [SEP] hypothesis [SEP]
          --max-len N   with --pair: cut pairs to N positions as BERT does (default 128)
        """;

    public static int Run(string[] args)
    {
        var o = CommandOptions.Parse(args, ["--init", "--max-len"], ["--ids", "--pair"], Usage);
        if (o.Positional.Count != 1) throw new UsageException("expected one input FILE", Usage);
        string init = o.Get("--init") ?? throw new UsageException("--init minilm|PATH is required", Usage);
        int maxLength = LineTokenizer.DefaultMaxLength;
        if (o.Get("--max-len") is { } m && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out maxLength) || maxLength < 3))
            throw new UsageException($"--max-len must be an integer of at least 3 ([CLS] and two [SEP]), got '{m}'", Usage);
        try
        {
            var tokenizer = LineTokenizer.Load(init);
            LineTokenizer.Run(tokenizer, o.Positional[0], Console.Out, o.Has("--ids") ? LineTokenizerOutput.Ids : LineTokenizerOutput.Tokens, o.Has("--pair"), maxLength);
            return 0;
        }
        catch (DataInputException e)
        {
            Console.Error.WriteLine($"nativedsp tokenize: {e.Message}");
            return 1;
        }
    }
}
