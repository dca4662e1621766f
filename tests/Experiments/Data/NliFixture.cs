using System.Globalization;
using System.Text;

namespace NativeDsp.Tests.Experiments.Data;

/// <summary>
/// A miniature WordNet (in the real database format, wndb(5)) and a miniature tagged Brown corpus,
/// written to a temporary directory, so that the NLI generator can be tested without the packages.
/// Nouns: entity > living_thing > organism > animal > {dog > puppy, cat, horse};
/// entity > object > artifact > vehicle > {car > taxi, truck, bus}. Adjectives: old/young and big/small
/// are antonyms, red has none. Verbs: bark, see, run, chase (saw, ran in verb.exc).
/// </summary>
public sealed class NliFixture : IDisposable
{
    readonly TempDir dir = new();

    public string WordNetDir => Path.Combine(dir.Path, "wordnet");
    public string BrownDir => Path.Combine(dir.Path, "brown");

    static readonly (int Offset, string Word, int? Parent)[] Nouns =
    [
        (1, "entity", null), (2, "living_thing", 1), (3, "organism", 2), (4, "animal", 3), (5, "dog", 4), (6, "cat", 4),
        (7, "horse", 4), (8, "puppy", 5), (12, "object", 1), (13, "artifact", 12), (14, "vehicle", 13), (15, "car", 14),
        (16, "truck", 14), (17, "bus", 14), (18, "taxi", 15),
    ];

    static readonly (int Offset, string Word, int? Antonym)[] Adjectives =
        [(101, "old", 102), (102, "young", 101), (103, "big", 104), (104, "small", 103), (105, "red", null)];

    static readonly (int Offset, string Word)[] Verbs = [(201, "bark"), (202, "see"), (203, "run"), (204, "chase")];

    public NliFixture()
    {
        Directory.CreateDirectory(WordNetDir);
        Directory.CreateDirectory(BrownDir);
        const string header = "  1 This software and database is being provided to you, the LICENSEE, by  \n";
        var data = new StringBuilder(header);
        var index = new StringBuilder(header);
        foreach (var (offset, word, parent) in Nouns)
        {
            var ptrs = new List<string>();
            if (parent is { } p) ptrs.Add($"@ {p:D8} n 0000");
            ptrs.AddRange(Nouns.Where(n => n.Parent == offset).Select(n => $"~ {n.Offset:D8} n 0000"));
            data.Append(CultureInfo.InvariantCulture, $"{offset:D8} 05 n 01 {word} 0 {ptrs.Count:D3} {string.Join(' ', ptrs)} | a {word}\n");
            index.Append(CultureInfo.InvariantCulture, $"{word} n 1 {(ptrs.Count > 0 ? 1 : 0)} {(ptrs.Count > 0 ? "@ " : "")}1 0 {offset:D8}\n");
        }
        File.WriteAllText(Path.Combine(WordNetDir, "data.noun"), data.ToString());
        File.WriteAllText(Path.Combine(WordNetDir, "index.noun"), Sorted(index.ToString()));
        data.Clear().Append(header);
        index.Clear().Append(header);
        foreach (var (offset, word, antonym) in Adjectives)
        {
            string ptr = antonym is { } a ? $"001 ! {a:D8} a 0101" : "000";
            data.Append(CultureInfo.InvariantCulture, $"{offset:D8} 00 a 01 {word} 0 {ptr} | {word}\n");
            index.Append(CultureInfo.InvariantCulture, $"{word} a 1 {(antonym is null ? "0" : "1 !")} 1 0 {offset:D8}\n");
        }
        File.WriteAllText(Path.Combine(WordNetDir, "data.adj"), data.ToString());
        File.WriteAllText(Path.Combine(WordNetDir, "index.adj"), Sorted(index.ToString()));
        data.Clear().Append(header);
        index.Clear().Append(header);
        foreach (var (offset, word) in Verbs)
        {
            data.Append(CultureInfo.InvariantCulture, $"{offset:D8} 30 v 01 {word} 0 000 01 + 02 00 | {word}\n");
            index.Append(CultureInfo.InvariantCulture, $"{word} v 1 0 1 0 {offset:D8}\n");
        }
        File.WriteAllText(Path.Combine(WordNetDir, "data.verb"), data.ToString());
        File.WriteAllText(Path.Combine(WordNetDir, "index.verb"), Sorted(index.ToString()));
        File.WriteAllText(Path.Combine(WordNetDir, "verb.exc"), "ran run\nsaw see\n");
        File.WriteAllText(Path.Combine(WordNetDir, "noun.exc"), "oxen ox\n");

        // Each document has the same sentences in a different town, so that premises are distinct across documents.
        string[] sentences =
        [
            "The/at old/jj dog/nn saw/vbd the/at big/jj car/nn in/in {0}/np ./.",
            "A/at young/jj cat/nn chased/vbd the/at small/jj truck/nn in/in {0}/np ./.",
            "The/at horse/nn was/bedz old/jj and/cc the/at bus/nn was/bedz red/jj in/in {0}/np ./.",
            "His/pp$ puppy/nn barked/vbd at/in the/at red/jj taxi/nn in/in {0}/np ./.",
            "The/at animal/nn ran/vbd past/in the/at red/jj bus/nn in/in {0}/np ./.",
            "The/at dogs/nns saw/vbd the/at cars/nns near/in the/at vehicle/nn in/in {0}/np ./.",
            "No/at dog/nn barked/vbd at/in the/at old/jj horse/nn in/in {0}/np ./.",
            "If/cs the/at cat/nn ran/vbd ,/, the/at dog/nn barked/vbd in/in {0}/np ./.",
        ];
        string[] towns = ["Avon", "Bath", "Cork", "Derby", "Ely", "Fife", "Goole", "Hull", "Ilford", "Jarrow", "Kent", "Leeds"];
        for (int d = 0; d < towns.Length; d++)
        {
            string name = $"c{(char)('a' + d / 4)}{d % 4 + 1:D2}";
            File.WriteAllText(Path.Combine(BrownDir, name), string.Concat(sentences.Select(s => "\n\n\t" + string.Format(CultureInfo.InvariantCulture, s, towns[d]) + "\n")));
        }
        File.WriteAllText(Path.Combine(BrownDir, "README"), "not a corpus file\n");
    }

    static string Sorted(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', lines.Where(l => l.StartsWith("  ")).Concat(lines.Where(l => !l.StartsWith("  ")).Order(StringComparer.Ordinal))) + "\n";
    }

    public void Dispose() => dir.Dispose();
}
