using System.Globalization;
using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Nli;

/// <summary>A WordNet pointer: relation symbol ("@" hypernym, "~" hyponym, "!" antonym, ...) to a target synset.</summary>
public readonly record struct WordNetPointer(string Symbol, char TargetPos, int TargetOffset, int SourceWord, int TargetWord);

/// <summary>A synset as stored in <c>data.POS</c>: its words (lemmas, '_' for space) and outgoing pointers.</summary>
public sealed record Synset(char Pos, int Offset, IReadOnlyList<string> Words, IReadOnlyList<WordNetPointer> Pointers, string Gloss);

/// <summary>
/// A reader of the WordNet 3.0 database files (format documented in wndb(5); Debian package
/// wordnet-base installs them in /usr/share/wordnet). Holds the noun, verb and adjective synsets, the
/// lemma indexes (senses in WordNet's frequency order, so the first sense is the most common one) and
/// the morphological exception lists. POS letters: n, v, a (adjective files; satellites have type s).
/// </summary>
public sealed class WordNet
{
    public const string DefaultDirectory = "/usr/share/wordnet";
    public const string InstallHint = "sudo apt-get install wordnet-base";
    static readonly char[] FilePos = ['n', 'v', 'a'];
    static readonly Dictionary<char, string> PosName = new() { ['n'] = "noun", ['v'] = "verb", ['a'] = "adj" };

    readonly Dictionary<(char, int), Synset> synsets = [];
    readonly Dictionary<(char, string), int[]> index = [];
    readonly Dictionary<(char, string), string[]> exceptions = [];
    readonly Dictionary<string, string> irregularPlurals = new(StringComparer.Ordinal);

    public string Directory { get; }

    WordNet(string directory) => Directory = directory;

    public static WordNet Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new DataInputException($"{directory}: WordNet directory not found; install it with: {InstallHint} (or pass --wordnet DIR)");
        var wn = new WordNet(directory);
        foreach (char pos in FilePos)
        {
            string name = PosName[pos];
            foreach (var (number, line) in TextFiles.ReadLines(Path.Combine(directory, "data." + name)))
                if (!line.StartsWith("  ", StringComparison.Ordinal)) wn.AddSynset(pos, line, $"data.{name}", number);
            foreach (var (number, line) in TextFiles.ReadLines(Path.Combine(directory, "index." + name)))
                if (!line.StartsWith("  ", StringComparison.Ordinal)) wn.AddIndex(pos, line, $"index.{name}", number);
            string exc = Path.Combine(directory, name + ".exc");
            if (File.Exists(exc))
                foreach (var (_, line) in TextFiles.ReadLines(exc))
                {
                    var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (f.Length < 2) continue;
                    wn.exceptions[(pos, f[0])] = f[1..];
                    if (pos == 'n') wn.irregularPlurals.TryAdd(f[1], f[0]);
                }
        }
        return wn;
    }

    public Synset Get(char pos, int offset) => synsets[(pos == 's' ? 'a' : pos, offset)];

    /// <summary>The synsets of a lemma (lower case, spaces as '_'), most frequent sense first; empty if unknown.</summary>
    public IReadOnlyList<Synset> Senses(string lemma, char pos) =>
        index.TryGetValue((pos, lemma), out var offsets) ? offsets.Select(o => Get(pos, o)).ToList() : [];

    public bool Contains(string lemma, char pos) => index.ContainsKey((pos, lemma));

    public IEnumerable<Synset> Related(Synset s, string symbol) =>
        s.Pointers.Where(p => p.Symbol == symbol).Select(p => Get(p.TargetPos, p.TargetOffset));

    /// <summary>Direct antonyms of one word of a synset (lexical "!" pointers from that word).</summary>
    public IEnumerable<string> Antonyms(Synset s, string word)
    {
        int w = s.Words.ToList().FindIndex(x => string.Equals(x, word, StringComparison.OrdinalIgnoreCase)) + 1;
        if (w == 0) yield break;
        foreach (var p in s.Pointers)
            if (p.Symbol == "!" && (p.SourceWord == w || p.SourceWord == 0))
            {
                var target = Get(p.TargetPos, p.TargetOffset);
                if (p.TargetWord > 0) yield return target.Words[p.TargetWord - 1];
                else foreach (var t in target.Words) yield return t;
            }
    }

    /// <summary>Length of the shortest hypernym path up to a root (0 for "entity"), following "@" only.</summary>
    public int Depth(Synset s)
    {
        int depth = 0;
        var frontier = new List<Synset> { s };
        var seen = new HashSet<int> { s.Offset };
        while (depth < 40)
        {
            var next = new List<Synset>();
            foreach (var x in frontier)
            {
                var ups = Related(x, "@").Concat(Related(x, "@i")).ToList();
                if (ups.Count == 0) return depth;
                next.AddRange(ups.Where(u => seen.Add(u.Offset)));
            }
            if (next.Count == 0) return depth;
            frontier = next;
            depth++;
        }
        return depth;
    }

    /// <summary>
    /// WordNet's morphy for one POS: the base forms of an inflected word that the index knows (exception
    /// list first, then the regular suffix rules, e.g. "went" → "go", "carried" → "carry", "dogs" → "dog").
    /// </summary>
    public IReadOnlyList<string> BaseForms(string word, char pos)
    {
        var found = new List<string>();
        if (exceptions.TryGetValue((pos, word), out var bases)) found.AddRange(bases.Where(b => Contains(b, pos)));
        if (Contains(word, pos)) found.Add(word);
        foreach (var (suffix, ending) in SuffixRules(pos))
            if (word.Length > suffix.Length && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                string b = word[..^suffix.Length] + ending;
                if (Contains(b, pos)) found.Add(b);
            }
        return found.Distinct().ToList();
    }

    /// <summary>The plural of a noun: the exception list read backwards ("man" → "men"), else the spelling rules.</summary>
    public string Plural(string noun)
    {
        if (irregularPlurals.TryGetValue(noun, out var irregular)) return irregular;
        if (noun.EndsWith('s') || noun.EndsWith('x') || noun.EndsWith('z') || noun.EndsWith("ch") || noun.EndsWith("sh")) return noun + "es";
        if (noun.Length > 1 && noun.EndsWith('y') && !"aeiou".Contains(noun[^2])) return noun[..^1] + "ies";
        return noun + "s";
    }

    static (string, string)[] SuffixRules(char pos) => pos switch
    {
        'n' => [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")],
        'v' => [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
        'a' => [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        _ => [],
    };

    void AddSynset(char filePos, string line, string file, long number)
    {
        try
        {
            int bar = line.IndexOf(" | ", StringComparison.Ordinal);
            string gloss = bar >= 0 ? line[(bar + 3)..].Trim() : "";
            var f = (bar >= 0 ? line[..bar] : line).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int offset = int.Parse(f[0], CultureInfo.InvariantCulture);
            char ssType = f[2][0];
            int wordCount = int.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var words = new List<string>(wordCount);
            int k = 4;
            for (int i = 0; i < wordCount; i++, k += 2)
            {
                string w = f[k];
                int paren = w.IndexOf('('); // adjective syntactic markers: "(a)", "(p)", "(ip)"
                words.Add(paren > 0 ? w[..paren] : w);
            }
            int pointerCount = int.Parse(f[k++], CultureInfo.InvariantCulture);
            var pointers = new List<WordNetPointer>(pointerCount);
            for (int i = 0; i < pointerCount; i++, k += 4)
            {
                string st = f[k + 3];
                pointers.Add(new WordNetPointer(f[k], f[k + 2][0] == 's' ? 'a' : f[k + 2][0], int.Parse(f[k + 1], CultureInfo.InvariantCulture),
                    int.Parse(st[..2], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    int.Parse(st[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }
            synsets[(filePos, offset)] = new Synset(ssType, offset, words, pointers, gloss);
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new DataInputException($"{Path.Combine(Directory, file)}:{number}: not a WordNet synset line ({e.Message})");
        }
    }

    void AddIndex(char pos, string line, string file, long number)
    {
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 4 || !int.TryParse(f[2], CultureInfo.InvariantCulture, out int senseCount)
            || !int.TryParse(f[3], CultureInfo.InvariantCulture, out int pointerKinds) || f.Length < 6 + pointerKinds + senseCount)
            throw new DataInputException($"{Path.Combine(Directory, file)}:{number}: not a WordNet index line");
        int first = 4 + pointerKinds + 2;
        var offsets = new int[senseCount];
        for (int i = 0; i < senseCount; i++) offsets[i] = int.Parse(f[first + i], CultureInfo.InvariantCulture);
        index[(pos, f[0])] = offsets;
    }
}
