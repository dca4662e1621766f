using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Tokenization;

/// <summary>
/// Learns a WordPiece vocabulary the way Hugging Face's WordPiece trainer does: BPE merges over words
/// (after <see cref="BertPreTokenizer"/>), where a symbol that does not start a word carries the "##"
/// prefix; the vocabulary is BERT's special tokens, then the initial symbols, then every merged symbol.
/// The result is a BERT-style <c>vocab.txt</c> (one token a line, the line number is the id), which
/// <see cref="WordPieceSubwordTokenizer"/> encodes with, exactly as it would a pretrained BERT vocabulary.
/// </summary>
public static class WordPieceTrainer
{
    public const string Prefix = "##";
    public static readonly IReadOnlyList<string> SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    public static List<string> Learn(IEnumerable<string> sentences, int vocabSize, long minPairFrequency = 2)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in sentences)
            foreach (var word in BertPreTokenizer.Split(s))
                counts[word] = counts.GetValueOrDefault(word) + 1;
        var learner = new MergeLearner();
        foreach (var word in counts.Keys.Order(StringComparer.Ordinal))
            learner.AddWord(InitialSymbols(word), counts[word]);
        var initial = learner.Symbols.Order(StringComparer.Ordinal).ToList();
        int budget = vocabSize - SpecialTokens.Count - initial.Count;
        if (budget < 0)
            throw new ArgumentException($"WordPieceTrainer.Learn: vocabSize {vocabSize} is smaller than the {initial.Count} initial symbols plus {SpecialTokens.Count} special tokens");
        var merges = learner.Learn(budget, minPairFrequency, Join);
        return SpecialTokens.Concat(initial).Concat(merges.Select(m => Join(m.Left, m.Right))).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>"cat" → c ##a ##t.</summary>
    public static List<string> InitialSymbols(string word)
    {
        var runes = word.EnumerateRunes().Select(r => r.ToString()).ToList();
        for (int i = 1; i < runes.Count; i++) runes[i] = Prefix + runes[i];
        return runes;
    }

    /// <summary>"c" + "##a" = "ca"; "##a" + "##t" = "##at".</summary>
    public static string Join(string left, string right) => left + right[Prefix.Length..];

    public static void Save(IReadOnlyList<string> vocabulary, string path)
    {
        using var w = TextFiles.OpenWrite(path);
        foreach (var token in vocabulary) w.WriteLine(token);
    }
}
