using System.Globalization;
using System.Text;
using System.Text.Json;
using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Tokenization;

/// <summary>
/// A learned BPE vocabulary in the classic word-final form: words are split on whitespace, and the last
/// symbol of a word carries the suffix "&lt;/w&gt;", so decoding is lossless for whitespace-normalised
/// text and punctuation attached to a word ("tierra.") is learned like any other symbol. Saved as
/// <c>vocab.json</c> (token to id) and <c>merges.txt</c> (one "left right" pair a line, in merge order),
/// the files <see cref="Microsoft.ML.Tokenizers.BpeTokenizer"/> loads.
/// </summary>
public sealed record BpeVocabulary(IReadOnlyList<string> Tokens, IReadOnlyList<(string Left, string Right)> Merges)
{
    public const string EndOfWord = "</w>";
    public const string Pad = "<pad>", BeginOfSentence = "<s>", EndOfSentence = "</s>", Unknown = "<unk>";
    public static readonly IReadOnlyList<string> SpecialTokens = [Pad, BeginOfSentence, EndOfSentence, Unknown];
    public const string MergesHeader = "#version: 0.2";

    public void Save(string vocabPath, string mergesPath)
    {
        using (var w = TextFiles.OpenWrite(vocabPath))
        {
            // One entry a line keeps the file diff-able; ids are the line order.
            w.WriteLine("{");
            for (int i = 0; i < Tokens.Count; i++)
                w.WriteLine($"  {JsonSerializer.Serialize(Tokens[i])}: {i.ToString(CultureInfo.InvariantCulture)}{(i + 1 < Tokens.Count ? "," : "")}");
            w.WriteLine("}");
        }
        using var m = TextFiles.OpenWrite(mergesPath);
        m.WriteLine(MergesHeader);
        foreach (var (l, r) in Merges) m.WriteLine($"{l} {r}");
    }

    public static BpeVocabulary Load(string vocabPath, string mergesPath)
    {
        TextFiles.RequireNonEmptyFile(vocabPath, "BPE vocabulary");
        Dictionary<string, int> map;
        try
        {
            map = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabPath, Encoding.UTF8))
                  ?? throw new DataInputException($"{vocabPath}: empty vocabulary");
        }
        catch (JsonException e)
        {
            throw new DataInputException($"{vocabPath}:{e.LineNumber + 1}: not a JSON token-to-id map ({e.Message})");
        }
        var tokens = new string[map.Count];
        foreach (var (token, id) in map)
        {
            if ((uint)id >= (uint)tokens.Length || tokens[id] is not null)
                throw new DataInputException($"{vocabPath}: ids must be 0..{tokens.Length - 1}, each once; '{token}' has {id}");
            tokens[id] = token;
        }
        var merges = new List<(string, string)>();
        foreach (var (number, line) in TextFiles.ReadLines(mergesPath))
        {
            if (number == 1 && line.StartsWith("#version", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ');
            if (parts.Length != 2) throw new DataInputException($"{mergesPath}:{number}: expected 'left right', got '{line}'");
            merges.Add((parts[0], parts[1]));
        }
        return new BpeVocabulary(tokens, merges);
    }
}

/// <summary>Learns a <see cref="BpeVocabulary"/> from whitespace-tokenised sentences (see <see cref="MergeLearner"/>).</summary>
public static class BpeTrainer
{
    /// <param name="vocabSize">Total size including the special tokens and the initial characters.</param>
    /// <param name="minPairFrequency">Stop early when the best pair is rarer than this.</param>
    public static BpeVocabulary Learn(IEnumerable<string> sentences, int vocabSize, long minPairFrequency = 2)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in sentences)
            foreach (var word in s.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                counts[word] = counts.GetValueOrDefault(word) + 1;
        var learner = new MergeLearner();
        foreach (var word in counts.Keys.Order(StringComparer.Ordinal))
            learner.AddWord(InitialSymbols(word), counts[word]);
        var initial = learner.Symbols.Order(StringComparer.Ordinal).ToList();
        int budget = vocabSize - BpeVocabulary.SpecialTokens.Count - initial.Count;
        if (budget < 0)
            throw new ArgumentException($"BpeTrainer.Learn: vocabSize {vocabSize} is smaller than the {initial.Count} initial symbols plus {BpeVocabulary.SpecialTokens.Count} special tokens");
        var merges = learner.Learn(budget, minPairFrequency, (l, r) => l + r);
        // Two merges can spell the same token ("a"+"bc", "ab"+"c"); the vocabulary lists it once.
        var tokens = BpeVocabulary.SpecialTokens.Concat(initial).Concat(merges.Select(m => m.Left + m.Right)).Distinct(StringComparer.Ordinal).ToList();
        return new BpeVocabulary(tokens, merges);
    }

    /// <summary>"casa." becomes c a s a .&lt;/w&gt; (by Unicode scalar, so no surrogate half is ever a symbol).</summary>
    public static List<string> InitialSymbols(string word)
    {
        var s = word.EnumerateRunes().Select(r => r.ToString()).ToList();
        s[^1] += BpeVocabulary.EndOfWord;
        return s;
    }
}
