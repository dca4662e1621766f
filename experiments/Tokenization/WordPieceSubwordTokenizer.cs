using Microsoft.ML.Tokenizers;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Model.Pretrained;

namespace NativeDsp.Experiments.Tokenization;

/// <summary>
/// Encodes NLI pairs with a BERT-style WordPiece vocabulary (the learned one, or a pretrained uncased
/// BERT vocab.txt such as MiniLM's) through Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>:
/// lower-casing, accent stripping, punctuation splitting, greedy longest-match WordPiece.
/// A pair becomes <c>[CLS] premise [SEP] hypothesis [SEP]</c> with segment ids 0 then 1.
/// </summary>
public sealed class WordPieceSubwordTokenizer
{
    readonly BertTokenizer tokenizer;

    WordPieceSubwordTokenizer(BertTokenizer tokenizer, int vocabularySize)
    {
        this.tokenizer = tokenizer;
        VocabularySize = vocabularySize;
    }

    /// <summary>Loads a vocab.txt (one token a line); uncased: lower-cases and strips accents as BERT uncased does.</summary>
    public static WordPieceSubwordTokenizer Load(string vocabPath)
    {
        TextFiles.RequireNonEmptyFile(vocabPath, "WordPiece vocabulary");
        var tokens = File.ReadLines(vocabPath).ToList();
        BertVocabulary.RequireSpecialTokens(tokens, vocabPath);
        int size = tokens.Count;
        using var stream = File.OpenRead(vocabPath);
        return Create(stream, size);
    }

    /// <summary>The tokenizer of an in-memory vocabulary (a pretrained model's, one token per entry in id order).</summary>
    /// <param name="vocabulary">The tokens in id order.</param>
    /// <param name="source">Where they came from (a vocab.txt path), named when a special token is missing.</param>
    /// <exception cref="NativeDsp.Engine.ExpectedFailureException">[CLS], [SEP], [PAD] or [UNK] is missing.</exception>
    public static WordPieceSubwordTokenizer FromVocabulary(IReadOnlyList<string> vocabulary, string source = "the vocabulary")
    {
        BertVocabulary.RequireSpecialTokens(vocabulary, source);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", vocabulary) + "\n"));
        return Create(stream, vocabulary.Count);
    }

    static WordPieceSubwordTokenizer Create(Stream vocab, int size)
    {
        var options = new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true };
        return new WordPieceSubwordTokenizer(BertTokenizer.Create(vocab, options), size);
    }

    public int VocabularySize { get; }
    public int PadId => tokenizer.PaddingTokenId;
    public int ClassificationId => tokenizer.ClassificationTokenId;
    public int SeparatorId => tokenizer.SeparatorTokenId;

    /// <summary>Ids of one text, without [CLS]/[SEP].</summary>
    /// <remarks>
    /// The text is lower-cased and stripped of accents here first: the library's own accent removal relies on
    /// string.Normalize, which does nothing under the project's InvariantGlobalization.
    /// </remarks>
    public IReadOnlyList<int> Encode(string text) => tokenizer.EncodeToIds(BertPreTokenizer.Normalize(text), addSpecialTokens: false);

    public IReadOnlyList<string> EncodeToTokens(string text) => tokenizer.EncodeToTokens(BertPreTokenizer.Normalize(text), out _).Select(t => t.Value).ToList();

    /// <summary>[CLS] premise [SEP] hypothesis [SEP], and the segment id of each position.</summary>
    public (IReadOnlyList<int> Ids, IReadOnlyList<int> SegmentIds) EncodePair(string premise, string hypothesis)
    {
        var a = Encode(premise);
        var b = Encode(hypothesis);
        return (tokenizer.BuildInputsWithSpecialTokens(a, b), tokenizer.CreateTokenTypeIdsFromSequences(a, b));
    }
}
