using Microsoft.ML.Tokenizers;

namespace NativeDsp.Experiments.Tokenization;

/// <summary>
/// Encodes and decodes with a learned <see cref="BpeVocabulary"/> through Microsoft.ML.Tokenizers'
/// <see cref="BpeTokenizer"/> (whitespace pre-tokenisation, "&lt;/w&gt;" word-final suffix), so that the
/// project's merge learner and the library's encoder agree on one file format. Characters never seen in
/// training become &lt;unk&gt;.
/// </summary>
public sealed class BpeSubwordTokenizer
{
    readonly BpeTokenizer tokenizer;

    public BpeSubwordTokenizer(BpeVocabulary vocabulary)
    {
        Vocabulary = vocabulary;
        var options = new BpeOptions(vocabulary.Tokens.Select((t, i) => new KeyValuePair<string, int>(t, i)))
        {
            Merges = vocabulary.Merges.Select(m => $"{m.Left} {m.Right}"),
            EndOfWordSuffix = BpeVocabulary.EndOfWord,
            PreTokenizer = PreTokenizer.CreateWhiteSpace(),
            UnknownToken = BpeVocabulary.Unknown,
            SpecialTokens = BpeVocabulary.SpecialTokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i),
        };
        tokenizer = BpeTokenizer.Create(options);
        PadId = Id(BpeVocabulary.Pad);
        BeginOfSentenceId = Id(BpeVocabulary.BeginOfSentence);
        EndOfSentenceId = Id(BpeVocabulary.EndOfSentence);
        UnknownId = Id(BpeVocabulary.Unknown);
    }

    public static BpeSubwordTokenizer Load(string vocabPath, string mergesPath) => new(BpeVocabulary.Load(vocabPath, mergesPath));

    public BpeVocabulary Vocabulary { get; }
    public int VocabularySize => Vocabulary.Tokens.Count;
    public int PadId { get; }
    public int BeginOfSentenceId { get; }
    public int EndOfSentenceId { get; }
    public int UnknownId { get; }

    public IReadOnlyList<int> Encode(string text) => tokenizer.EncodeToIds(text);

    public IReadOnlyList<string> EncodeToTokens(string text) => tokenizer.EncodeToTokens(text, out _).Select(t => t.Value).ToList();

    /// <summary>Text of the ids; special tokens (padding, sentence marks) are left out.</summary>
    public string Decode(IEnumerable<int> ids) =>
        (tokenizer.Decode(ids.Where(i => i != PadId && i != BeginOfSentenceId && i != EndOfSentenceId)) ?? "").Trim();

    int Id(string token) => tokenizer.Vocabulary.TryGetValue(token, out int id)
        ? id : throw new InvalidOperationException($"BpeSubwordTokenizer: vocabulary lacks {token}");
}
