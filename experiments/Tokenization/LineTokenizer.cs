using NativeDsp.Experiments.Data.Io;
using NativeDsp.Model.Pretrained.Import;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Experiments.Tokenization;

/// <summary>What <c>nativedsp tokenize</c> prints for each line.</summary>
public enum LineTokenizerOutput
{
    /// <summary>The WordPiece tokens of the line.</summary>
    Tokens,

    /// <summary>Their vocabulary ids.</summary>
    Ids,
}

/// <summary>
/// The logic of <c>nativedsp tokenize</c>: for each line of a file, the WordPiece tokens (or ids) BERT's uncased
/// tokenisation gives it, separated by single spaces, one output line per input line (an empty or all-deleted
/// line gives an empty line). With <c>pair</c>, each line is <c>premise TAB hypothesis</c> and is printed packed
/// as the NLI classifier sees it: <c>[CLS] premise [SEP] hypothesis [SEP]</c>, cut to <c>maxLength</c> by BERT's
/// _truncate_seq_pair (<see cref="NliInput"/>).
/// </summary>
public static class LineTokenizer
{
    /// <summary>BERT's run_classifier.py default max_seq_length, the default of <c>--max-len</c>.</summary>
    public const int DefaultMaxLength = 128;

    /// <summary>The tokenizer of <c>--init</c>: "minilm" (MiniLM's embedded uncased vocabulary), a checkpoint
    /// directory holding vocab.txt, or a vocab.txt file.</summary>
    /// <exception cref="DataInputException">The path is neither a vocabulary file nor a directory holding one.</exception>
    public static WordPieceSubwordTokenizer Load(string init)
    {
        if (init == "minilm") return WordPieceSubwordTokenizer.FromVocabulary(MiniLmImporter.ReadVocabulary());
        if (Directory.Exists(init))
        {
            string vocab = Path.Combine(init, SafetensorsBertCheckpoint.VocabFile);
            if (!File.Exists(vocab)) throw new DataInputException($"{init}: no {SafetensorsBertCheckpoint.VocabFile} in this directory (--init takes minilm, a checkpoint directory or a vocab.txt)");
            return WordPieceSubwordTokenizer.Load(vocab);
        }
        return WordPieceSubwordTokenizer.Load(init);
    }

    /// <summary>Writes one line to <paramref name="output"/> for each line of <paramref name="path"/>.</summary>
    /// <exception cref="DataInputException">The file is missing, empty or not UTF-8, or with <paramref name="pair"/> a line has no TAB (file:line).</exception>
    public static void Run(WordPieceSubwordTokenizer tokenizer, string path, TextWriter output, LineTokenizerOutput what, bool pair, int maxLength = DefaultMaxLength)
    {
        foreach (var (number, line) in TextFiles.ReadLines(path))
        {
            if (!pair)
            {
                output.WriteLine(what == LineTokenizerOutput.Ids
                    ? string.Join(' ', tokenizer.Encode(line))
                    : string.Join(' ', tokenizer.EncodeToTokens(line)));
                continue;
            }
            int tab = line.IndexOf('\t');
            if (tab < 0) throw new DataInputException($"{path}:{number}: --pair expects 'premise<TAB>hypothesis', found no TAB");
            var premise = tokenizer.Encode(line[..tab]).ToArray();
            var hypothesis = tokenizer.Encode(line[(tab + 1)..]).ToArray();
            var (ids, _, _) = NliInput.Pack([(premise, hypothesis)], tokenizer.ClassificationId, tokenizer.SeparatorId, tokenizer.PadId, maxLength);
            output.WriteLine(what == LineTokenizerOutput.Ids ? string.Join(' ', ids) : string.Join(' ', ids.Select(tokenizer.TokenOf)));
        }
    }
}
