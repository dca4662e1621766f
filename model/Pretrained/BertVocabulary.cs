using NativeDsp.Engine;

namespace NativeDsp.Model.Pretrained;

/// <summary>
/// What a BERT WordPiece vocabulary (vocab.txt, one token a line, the line number is the id) must hold for a
/// sentence-pair classifier: [CLS] starts the input, [SEP] ends each segment, [PAD] fills a batch and [UNK]
/// stands for words WordPiece cannot split (Devlin et al. 2019, section 3; Hugging Face BertTokenizer).
/// </summary>
public static class BertVocabulary
{
    /// <summary>The special tokens every BERT vocabulary needs.</summary>
    public static readonly IReadOnlyList<string> SpecialTokens = ["[CLS]", "[SEP]", "[PAD]", "[UNK]"];

    /// <summary>Fails unless <paramref name="vocabulary"/> holds every token of <see cref="SpecialTokens"/>.</summary>
    /// <param name="vocabulary">The tokens in id order.</param>
    /// <param name="source">The file (or resource) they came from, named in the message.</param>
    /// <exception cref="ExpectedFailureException">A special token is missing; the message names the file and the tokens.</exception>
    public static void RequireSpecialTokens(IEnumerable<string> vocabulary, string source)
    {
        var present = vocabulary.Select(t => t.TrimEnd('\r')).ToHashSet(StringComparer.Ordinal);
        var missing = SpecialTokens.Where(t => !present.Contains(t)).ToList();
        if (missing.Count > 0)
            throw new ExpectedFailureException(
                $"{source}: the WordPiece vocabulary lacks {string.Join(", ", missing)} (a BERT vocab.txt needs {string.Join(", ", SpecialTokens)}, " +
                "one token a line): use the vocab.txt that came with the model");
    }
}
