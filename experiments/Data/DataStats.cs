using System.Globalization;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Mt;
using NativeDsp.Experiments.Data.Nli;
using NativeDsp.Experiments.Tokenization;

namespace NativeDsp.Experiments.Data;

/// <summary><c>nativedsp data stats mt|nli</c>: counts per split, length percentiles, vocabulary sizes.</summary>
public static class DataStats
{
    static readonly string[] Splits = ["train", "valid", "test"];

    public static void PrintMt(string dir, BadLinePolicy policy, TextWriter w)
    {
        var bpe = BpeSubwordTokenizer.Load(MtCorpusBuilder.BpeVocabFile(dir), MtCorpusBuilder.BpeMergesFile(dir));
        w.WriteLine($"MT data set in {dir} (Reina-Valera 1909 es -> KJV en; split by book)");
        w.WriteLine($"{"split",-6} {"pairs",7}  {"es words p50/p90/p99/max",-26} {"en words p50/p90/p99/max",-26} {"es BPE p50/p90/p99/max",-24} {"en BPE p50/p90/p99/max",-24}");
        var esTypes = new HashSet<string>(StringComparer.Ordinal);
        var enTypes = new HashSet<string>(StringComparer.Ordinal);
        var books = new Dictionary<string, HashSet<string>>();
        long unknown = 0, bpeTokens = 0;
        foreach (var split in Splits)
        {
            string path = MtCorpusBuilder.SplitFile(dir, split);
            var log = new BadLineLog(policy);
            var (_, _, pairs) = ParallelTsv.Read(path, log);
            if (log.Count > 0) w.WriteLine(log.Summary(path));
            books[split] = pairs.Select(p => p.Id[..p.Id.IndexOf('.')]).ToHashSet();
            var esBpe = new List<int>(pairs.Count);
            var enBpe = new List<int>(pairs.Count);
            foreach (var p in pairs)
            {
                if (split == "train")
                {
                    esTypes.UnionWith(p.Source.Split(' '));
                    enTypes.UnionWith(p.Target.Split(' '));
                }
                var a = bpe.Encode(p.Source);
                var b = bpe.Encode(p.Target);
                esBpe.Add(a.Count);
                enBpe.Add(b.Count);
                unknown += a.Count(i => i == bpe.UnknownId) + b.Count(i => i == bpe.UnknownId);
                bpeTokens += a.Count + b.Count;
            }
            w.WriteLine($"{split,-6} {pairs.Count,7}  {Percentiles(pairs.Select(p => p.Source.Split(' ').Length)),-26} {Percentiles(pairs.Select(p => p.Target.Split(' ').Length)),-26} {Percentiles(esBpe),-24} {Percentiles(enBpe),-24}");
        }
        w.WriteLine($"books: train {books["train"].Count}, valid {books["valid"].Count} ({string.Join(' ', books["valid"])}), test {books["test"].Count} ({string.Join(' ', books["test"])})");
        w.WriteLine($"books in two splits: {Overlap(books)}");
        w.WriteLine($"vocabulary (train, space-separated word types): es {esTypes.Count}, en {enTypes.Count}; joint BPE {bpe.VocabularySize} tokens ({bpe.Vocabulary.Merges.Count} merges)");
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"BPE <unk> rate over all splits: {(double)unknown / Math.Max(1, bpeTokens):P4}"));
    }

    public static void PrintNli(string dir, BadLinePolicy policy, TextWriter w)
    {
        var wp = WordPieceSubwordTokenizer.Load(NliDatasetBuilder.WordPieceVocabFile(dir));
        w.WriteLine($"NLI data set in {dir} ({Path.GetFileName(NliDatasetBuilder.SplitFile(dir, "train"))} and its valid/test siblings)");
        w.WriteLine($"{"split",-6} {"examples",8} {"entail",7} {"neutral",7} {"contra",7}  {"premise words p50/p90/p99/max",-30} {"hypothesis words p50/p90/p99/max",-33} {"pair WordPiece p50/p90/p99/max",-30}");
        var premises = new Dictionary<string, HashSet<string>>();
        var rules = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        var types = new HashSet<string>(StringComparer.Ordinal);
        for (int s = 0; s < Splits.Length; s++)
        {
            string split = Splits[s];
            string path = NliDatasetBuilder.SplitFile(dir, split);
            var log = new BadLineLog(policy);
            var file = NliReader.Read(path, log);
            if (log.Count > 0) w.WriteLine(log.Summary(path));
            if (file.WithoutGoldLabel > 0)
                w.WriteLine($"{path}: {file.WithoutGoldLabel} pairs without a gold label ('-') skipped, as SNLI/MNLI/GLUE readers do");
            var ex = file.Examples;
            premises[split] = ex.Select(e => e.Premise).ToHashSet(StringComparer.Ordinal);
            foreach (var e in ex)
            {
                if (!rules.TryGetValue(e.Rule, out var c)) rules[e.Rule] = c = new int[Splits.Length];
                c[s]++;
                if (split == "train")
                {
                    types.UnionWith(BertPreTokenizer.Split(e.Premise));
                    types.UnionWith(BertPreTokenizer.Split(e.Hypothesis));
                }
            }
            int Count(NliLabel l) => ex.Count(e => e.Label == l);
            var pairLengths = ex.Select(e => wp.EncodePair(e.Premise, e.Hypothesis).Ids.Count);
            w.WriteLine($"{split,-6} {ex.Count,8} {Count(NliLabel.Entailment),7} {Count(NliLabel.Neutral),7} {Count(NliLabel.Contradiction),7}  {Percentiles(ex.Select(e => Words(e.Premise))),-30} {Percentiles(ex.Select(e => Words(e.Hypothesis))),-33} {Percentiles(pairLengths),-30}");
        }
        w.WriteLine($"premises in two splits: {Overlap(premises)}");
        w.WriteLine($"rules (train/valid/test): {string.Join(", ", rules.Select(kv => $"{kv.Key} {string.Join('/', kv.Value)}"))}");
        w.WriteLine($"vocabulary (train, lower-cased words and punctuation): {types.Count}; WordPiece {wp.VocabularySize} tokens");
    }

    static int Words(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    static int Overlap(Dictionary<string, HashSet<string>> sets) =>
        sets["train"].Count(sets["valid"].Contains) + sets["train"].Count(sets["test"].Contains) + sets["valid"].Count(sets["test"].Contains);

    /// <summary>"p50/p90/p99/max" by the nearest-rank method.</summary>
    public static string Percentiles(IEnumerable<int> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return "-";
        int P(double q) => v[Math.Clamp((int)Math.Ceiling(q * v.Length) - 1, 0, v.Length - 1)];
        return $"{P(0.5)}/{P(0.9)}/{P(0.99)}/{v[^1]}";
    }
}
