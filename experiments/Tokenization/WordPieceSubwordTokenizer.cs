using Microsoft.ML.Tokenizers;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Model.Pretrained;

namespace NativeDsp.Experiments.Tokenization;

/// <summary>
/// Encodes text and NLI pairs with a BERT-style uncased WordPiece vocabulary (the learned one, or a pretrained
/// uncased BERT vocab.txt such as MiniLM's) exactly as BERT's tokenization.py does: basic tokenisation by
/// <see cref="BertPreTokenizer"/> (the reference's Unicode semantics), then greedy longest-match WordPiece with
/// "##" continuations by Microsoft.ML.Tokenizers' <see cref="WordPieceTokenizer"/>, one basic token at a time.
/// A word of more than 100 code points, or one WordPiece cannot cover, is one [UNK]. A pair becomes
/// <c>[CLS] premise [SEP] hypothesis [SEP]</c> with segment ids 0 then 1.
/// </summary>
/// <remarks>
/// The library's <see cref="BertTokenizer"/> is kept for what it does right (special-token ids, the pair
/// layout) but not for its basic tokenisation: 2.0.1 drops symbols, deletes <c>\t\n\r</c> so words glue
/// together, and keeps format characters inside words (cases bert-symbols, bert-control-whitespace,
/// bert-format-chars). Its WordPiece step is right on single words; the 100-character limit is counted here
/// in code points, as the reference (Python 3 strings) counts it, not in UTF-16 units.
/// </remarks>
public sealed class WordPieceSubwordTokenizer
{
    /// <summary>The reference's max_input_chars_per_word.</summary>
    public const int MaxInputCharsPerWord = 100;

    readonly BertTokenizer bert;
    readonly WordPieceTokenizer wordPiece;
    readonly string[] vocabulary;

    WordPieceSubwordTokenizer(BertTokenizer bert, WordPieceTokenizer wordPiece, string[] vocabulary)
    {
        this.bert = bert;
        this.wordPiece = wordPiece;
        this.vocabulary = vocabulary;
    }

    /// <summary>Loads a vocab.txt (one token a line).</summary>
    /// <exception cref="DataInputException">The file is missing or empty.</exception>
    public static WordPieceSubwordTokenizer Load(string vocabPath)
    {
        TextFiles.RequireNonEmptyFile(vocabPath, "WordPiece vocabulary");
        var lines = File.ReadAllLines(vocabPath);
        BertVocabulary.RequireSpecialTokens(lines, vocabPath);
        return Create(File.ReadAllBytes(vocabPath), lines);
    }

    /// <summary>The tokenizer of an in-memory vocabulary (a pretrained model's, one token per entry in id order).</summary>
    /// <param name="vocabulary">The tokens in id order.</param>
    /// <param name="source">Where they came from (a vocab.txt path), named when a special token is missing.</param>
    /// <exception cref="NativeDsp.Engine.ExpectedFailureException">[CLS], [SEP], [PAD] or [UNK] is missing.</exception>
    public static WordPieceSubwordTokenizer FromVocabulary(IReadOnlyList<string> vocabulary, string source = "the vocabulary")
    {
        BertVocabulary.RequireSpecialTokens(vocabulary, source);
        return Create(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", vocabulary) + "\n"), vocabulary.ToArray());
    }

    static WordPieceSubwordTokenizer Create(byte[] vocab, string[] lines)
    {
        using var forBert = new MemoryStream(vocab, writable: false);
        var bert = BertTokenizer.Create(forBert, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
        using var forWordPiece = new MemoryStream(vocab, writable: false);
        // Words reach the library already cut, lower-cased and stripped. Its length limit counts UTF-16 units and
        // sizes a stack buffer, so it is set to the most units 100 code points can take; ours (code points) applies first.
        var wordPiece = WordPieceTokenizer.Create(forWordPiece, new WordPieceOptions { MaxInputCharsPerWord = 2 * MaxInputCharsPerWord, Normalizer = null });
        return new WordPieceSubwordTokenizer(bert, wordPiece, lines);
    }

    public int VocabularySize => vocabulary.Length;
    public int PadId => bert.PaddingTokenId;
    public int ClassificationId => bert.ClassificationTokenId;
    public int SeparatorId => bert.SeparatorTokenId;
    public int UnknownId => wordPiece.UnknownTokenId;

    /// <summary>Ids of one text, without [CLS]/[SEP].</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        var ids = new List<int>();
        foreach (string word in BertPreTokenizer.Split(text))
        {
            if (CodePoints(word) > MaxInputCharsPerWord) ids.Add(UnknownId);
            else ids.AddRange(wordPiece.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false));
        }
        return ids;
    }

    /// <summary>The WordPiece tokens of one text, without [CLS]/[SEP].</summary>
    public IReadOnlyList<string> EncodeToTokens(string text)
    {
        var tokens = new List<string>();
        foreach (string word in BertPreTokenizer.Split(text))
        {
            if (CodePoints(word) > MaxInputCharsPerWord) tokens.Add(wordPiece.UnknownToken);
            else tokens.AddRange(wordPiece.EncodeToTokens(word, out _, considerPreTokenization: false, considerNormalization: false).Select(t => t.Value));
        }
        return tokens;
    }

    /// <summary>[CLS] premise [SEP] hypothesis [SEP], and the segment id of each position (no truncation).</summary>
    public (IReadOnlyList<int> Ids, IReadOnlyList<int> SegmentIds) EncodePair(string premise, string hypothesis)
    {
        var a = Encode(premise);
        var b = Encode(hypothesis);
        return (bert.BuildInputsWithSpecialTokens(a, b), bert.CreateTokenTypeIdsFromSequences(a, b));
    }

    /// <summary>The vocabulary entry of an id (for printing packed ids as tokens).</summary>
    public string TokenOf(int id) => vocabulary[id];

    static int CodePoints(string s)
    {
        int n = 0;
        foreach (var _ in s.EnumerateRunes()) n++;
        return n;
    }
}
