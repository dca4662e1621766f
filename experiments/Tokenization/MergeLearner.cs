namespace NativeDsp.Experiments.Tokenization;

/// <summary>
/// The merge-learning loop shared by BPE and WordPiece vocabulary learning (Sennrich et al. 2016): each
/// word type starts as a sequence of symbols; the most frequent adjacent pair (weighted by word
/// frequency) is merged into a new symbol, until the vocabulary is full or no pair occurs
/// <c>minPairFrequency</c> times. How a word is cut into initial symbols and how two symbols join is
/// the caller's (BPE marks the word end with "&lt;/w&gt;", WordPiece marks continuations with "##").
///
/// Deterministic: ties in frequency are broken by the pair's symbols in ordinal order, and word types
/// are visited in ordinal order, so the same corpus always gives the same merges on every machine.
/// Incremental: after a merge only the words that contained the pair are recounted, which keeps 8k
/// merges over a 40k-type corpus to seconds.
/// </summary>
public sealed class MergeLearner
{
    readonly List<string> symbols = [];
    readonly Dictionary<string, int> symbolIds = new(StringComparer.Ordinal);
    readonly List<int[]> words = [];
    readonly List<long> frequencies = [];
    readonly Dictionary<long, long> pairCounts = [];
    readonly Dictionary<long, HashSet<int>> pairWords = [];
    readonly SortedSet<(long Count, int Left, int Right)> queue;

    public MergeLearner() => queue = new SortedSet<(long, int, int)>(Comparer<(long Count, int Left, int Right)>.Create(ComparePriority));

    /// <summary>The initial symbols, in the order first added.</summary>
    public IReadOnlyList<string> Symbols => symbols;

    /// <summary>Adds a word type (already cut into initial symbols) with its corpus frequency. Call in a fixed order.</summary>
    public void AddWord(IReadOnlyList<string> initialSymbols, long frequency)
    {
        var ids = new int[initialSymbols.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = Intern(initialSymbols[i]);
        int w = words.Count;
        words.Add(ids);
        frequencies.Add(frequency);
        AddPairs(w, +1, null);
    }

    /// <summary>
    /// Runs up to <paramref name="maxMerges"/> merges. <paramref name="join"/> names the merged symbol
    /// (e.g. "th" + "e&lt;/w&gt;" = "the&lt;/w&gt;"; "##a" + "##b" = "##ab"). Returns the merges in order.
    /// </summary>
    public List<(string Left, string Right)> Learn(int maxMerges, long minPairFrequency, Func<string, string, string> join)
    {
        var merges = new List<(string, string)>();
        var deltas = new Dictionary<long, long>();
        while (merges.Count < maxMerges && queue.Count > 0)
        {
            var best = queue.Max;
            if (best.Count < minPairFrequency) break;
            int a = best.Left, b = best.Right;
            int merged = Intern(join(symbols[a], symbols[b]));
            merges.Add((symbols[a], symbols[b]));
            deltas.Clear();
            var affected = pairWords[Key(a, b)].Order().ToArray();
            foreach (int w in affected)
            {
                AddPairs(w, -1, deltas);
                words[w] = MergeInWord(words[w], a, b, merged);
                AddPairs(w, +1, deltas);
            }
            foreach (var (key, delta) in deltas) ApplyDelta(key, delta);
        }
        return merges;
    }

    int Intern(string symbol)
    {
        if (symbolIds.TryGetValue(symbol, out int id)) return id;
        id = symbols.Count;
        symbols.Add(symbol);
        symbolIds[symbol] = id;
        return id;
    }

    static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    int ComparePriority((long Count, int Left, int Right) x, (long Count, int Left, int Right) y)
    {
        int c = x.Count.CompareTo(y.Count);
        if (c != 0) return c;
        // Max is taken, so the pair that sorts first by text must compare as the larger one.
        c = string.CompareOrdinal(symbols[y.Left], symbols[x.Left]);
        if (c != 0) return c;
        return string.CompareOrdinal(symbols[y.Right], symbols[x.Right]);
    }

    /// <summary>Adds (sign +1) or removes (-1) word w's pair occurrences; into the deltas when given, else straight into the counts.</summary>
    void AddPairs(int w, int sign, Dictionary<long, long>? deltas)
    {
        var ids = words[w];
        long f = frequencies[w] * sign;
        for (int i = 0; i + 1 < ids.Length; i++)
        {
            long key = Key(ids[i], ids[i + 1]);
            if (sign > 0)
            {
                if (!pairWords.TryGetValue(key, out var set)) pairWords[key] = set = [];
                set.Add(w);
            }
            if (deltas is null) ApplyDelta(key, f);
            else deltas[key] = deltas.GetValueOrDefault(key) + f;
        }
    }

    void ApplyDelta(long key, long delta)
    {
        if (delta == 0) return;
        int a = (int)(key >> 32), b = (int)(uint)key;
        long old = pairCounts.GetValueOrDefault(key);
        if (old > 0) queue.Remove((old, a, b));
        long now = old + delta;
        if (now > 0)
        {
            pairCounts[key] = now;
            queue.Add((now, a, b));
        }
        else
        {
            pairCounts.Remove(key);
            pairWords.Remove(key);
        }
    }

    static int[] MergeInWord(int[] ids, int a, int b, int merged)
    {
        var result = new List<int>(ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            if (i + 1 < ids.Length && ids[i] == a && ids[i + 1] == b)
            {
                result.Add(merged);
                i++;
            }
            else result.Add(ids[i]);
        }
        return result.ToArray();
    }
}
