using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Mt;
using NativeDsp.Experiments.Data.Nli;
using NativeDsp.Experiments.Tokenization;

namespace NativeDsp.Tests.Experiments.Data;

/// <summary>The data sets committed under experiments/data: found from the repository, well-formed, leak-free.</summary>
public class CommittedDataTests
{
    static readonly string[] Splits = ["train", "valid", "test"];

    [Fact]
    public void MtSplitsShareNoBookAndKnownVersesLineUp()
    {
        string dir = DataPaths.MtDir();
        var books = new Dictionary<string, HashSet<int>>();
        var all = new Dictionary<string, ParallelPair>();
        foreach (var split in Splits)
        {
            var (src, tgt, pairs) = ParallelTsv.Read(MtCorpusBuilder.SplitFile(dir, split), new BadLineLog(BadLinePolicy.Error));
            Assert.Equal(("es", "en"), (src, tgt));
            books[split] = pairs.Select(p => VersePairing.BookOf(p.Id)).ToHashSet();
            foreach (var p in pairs) all.Add(p.Id, p);
        }
        Assert.Empty(books["train"].Intersect(books["valid"]));
        Assert.Empty(books["train"].Intersect(books["test"]));
        Assert.Empty(books["valid"].Intersect(books["test"]));
        Assert.InRange(all.Count, 31_000, 31_102);
        Assert.Equal(("En el principio crió Dios los cielos y la tierra.", "In the beginning God created the heaven and the earth."),
            (all["Gen.1.1"].Source, all["Gen.1.1"].Target));
        Assert.StartsWith("Porque de tal manera amó Dios al mundo", all["John.3.16"].Source);
        Assert.StartsWith("For God so loved the world", all["John.3.16"].Target);
        Assert.Equal(("La gracia de nuestro Señor Jesucristo sea con todos vosotros. Amén.", "The grace of our Lord Jesus Christ be with you all. Amen."),
            (all["Rev.22.21"].Source, all["Rev.22.21"].Target));
        Assert.True(File.Exists(Path.Combine(dir, "PROVENANCE.md")));
    }

    [Fact]
    public void MtBpeLoadsAndRoundTripsHeldOutText()
    {
        string dir = DataPaths.MtDir();
        var bpe = BpeSubwordTokenizer.Load(MtCorpusBuilder.BpeVocabFile(dir), MtCorpusBuilder.BpeMergesFile(dir));
        Assert.InRange(bpe.VocabularySize, 7900, 8000);
        var (_, _, pairs) = ParallelTsv.Read(MtCorpusBuilder.SplitFile(dir, "test"), new BadLineLog(BadLinePolicy.Error));
        foreach (var p in pairs.Take(300))
            foreach (var text in new[] { p.Source, p.Target })
            {
                Assert.DoesNotMatch("[\u0300-\u036F]", text); // precomposed: NFC holds without string.Normalize
                var ids = bpe.Encode(text);
                Assert.DoesNotContain(bpe.UnknownId, ids);
                Assert.Equal(text, bpe.Decode(ids));
            }
    }

    [Fact]
    public void NliSplitsAreBalancedDisjointAndLabelledByTheirRule()
    {
        string dir = DataPaths.NliDir();
        var premises = new Dictionary<string, HashSet<string>>();
        var ruleLabels = new Dictionary<string, NliLabel>
        {
            ["hypernym"] = NliLabel.Entailment, ["drop-modifier"] = NliLabel.Entailment,
            ["antonym"] = NliLabel.Contradiction, ["cohyponym"] = NliLabel.Contradiction, ["negation"] = NliLabel.Contradiction,
            ["hyponym"] = NliLabel.Neutral, ["add-modifier"] = NliLabel.Neutral, ["related-sentence"] = NliLabel.Neutral,
        };
        int total = 0;
        foreach (var split in Splits)
        {
            var file = NliReader.Read(NliDatasetBuilder.SplitFile(dir, split), new BadLineLog(BadLinePolicy.Error));
            var ex = file.Examples;
            total += ex.Count;
            Assert.Equal(0, ex.Count % 3);
            foreach (var label in NliLabels.All) Assert.Equal(ex.Count / 3, ex.Count(e => e.Label == label));
            foreach (var e in ex)
            {
                Assert.Equal(ruleLabels[e.Rule], e.Label);
                Assert.NotEqual(e.Premise, e.Hypothesis);
                Assert.NotEmpty(e.Edit);
            }
            // Each premise has as many examples of each class (whole triples only).
            foreach (var g in ex.GroupBy(e => e.Premise))
                Assert.Single(g.GroupBy(e => e.Label).Select(l => l.Count()).Distinct());
            premises[split] = ex.Select(e => e.Premise).ToHashSet();
        }
        Assert.Empty(premises["train"].Intersect(premises["valid"]));
        Assert.Empty(premises["train"].Intersect(premises["test"]));
        Assert.Empty(premises["valid"].Intersect(premises["test"]));
        Assert.InRange(total, 55_000, 61_000);
        Assert.Contains("not MNLI", File.ReadAllText(Path.Combine(dir, "PROVENANCE.md")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void CommittedDataStaysUnderFifteenMegabytes()
    {
        long bytes = new DirectoryInfo(DataPaths.DataRoot()).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.InRange(bytes, 1, 15L * 1024 * 1024);
    }
}
