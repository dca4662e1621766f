namespace NativeDsp.Experiments.Data.Nli;

/// <summary>
/// What the generation rules look words up in: WordNet, and counts from the Brown corpus itself (word
/// frequencies, to prefer replacement words that real text uses, and the adjectives seen before each
/// noun, so that an inserted modifier is one that occurs with that noun).
/// </summary>
public sealed class LexicalResources
{
    public LexicalResources(WordNet wordNet, IEnumerable<BrownSentence> sentences)
    {
        WordNet = wordNet;
        foreach (var s in sentences)
            for (int i = 0; i < s.Words.Count; i++)
            {
                string w = s.Words[i].Word.ToLowerInvariant();
                Frequency[w] = Frequency.GetValueOrDefault(w) + 1;
                if (i + 1 < s.Words.Count && s.Words[i].FullTag == "jj" && s.Words[i + 1].FullTag is "nn" or "nns")
                {
                    string noun = s.Words[i + 1].Word.ToLowerInvariant();
                    if (!AdjectivesBefore.TryGetValue(noun, out var adjs)) AdjectivesBefore[noun] = adjs = new(StringComparer.Ordinal);
                    adjs[w] = adjs.GetValueOrDefault(w) + 1;
                }
            }
    }

    public WordNet WordNet { get; }
    public Dictionary<string, int> Frequency { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, SortedDictionary<string, int>> AdjectivesBefore { get; } = new(StringComparer.Ordinal);

    public int FrequencyOf(string word) => Frequency.GetValueOrDefault(word);
}
