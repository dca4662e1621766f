using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Mt;
using NativeDsp.Experiments.Data.Sword;

namespace NativeDsp.Tests.Experiments.Data;

public class VersePairingTests
{
    /// <summary>Two synthetic modules in the full KJV layout, with a few verses empty on one side.</summary>
    static (ZTextModule Es, ZTextModule En) Modules(TempDir dir)
    {
        bool EmptyEs(VerseRef v) => v.BookIndex == 1 && v.Chapter == 2 && v.Verse == 3;
        bool EmptyEn(VerseRef v) => v.BookIndex == 44 && v.Chapter == 16 && v.Verse == 25;
        var (esOt, esNt) = ZTextTestWriter.KjvShaped(v => EmptyEs(v) ? "" : $"<w lemma=\"x\">versículo</w> {v} <note>nota</note>");
        var (enOt, enNt) = ZTextTestWriter.KjvShaped(v => EmptyEn(v) ? "<div type=\"x-p\"/>" : $"verse <w>{v}</w>");
        ZTextTestWriter.Write(Path.Combine(dir.Path, "es"), esOt, esNt, 200);
        ZTextTestWriter.Write(Path.Combine(dir.Path, "en"), enOt, enNt, 200);
        return (ZTextModule.Open(Path.Combine(dir.Path, "es")), ZTextModule.Open(Path.Combine(dir.Path, "en")));
    }

    [Fact]
    public void PairsByReferenceAndDropsEmptySides()
    {
        using var dir = new TempDir();
        var (es, en) = Modules(dir);
        var r = VersePairing.Pair(es, new TextNormalizer(true), en, new TextNormalizer(false));
        Assert.Equal(2, r.DroppedEmpty);
        Assert.Equal(31102 - 2, r.Pairs.Count);
        foreach (var p in r.Pairs)
        {
            Assert.Equal($"versículo {p.Id}", p.Source);
            Assert.Equal($"verse {p.Id}", p.Target);
        }
        Assert.DoesNotContain(r.Pairs, p => p.Id is "Exod.2.3" or "Rom.16.25");
        Assert.Equal("Gen.1.1", r.Pairs[0].Id);
        Assert.Equal("Rev.22.21", r.Pairs[^1].Id);
    }

    [Fact]
    public void RefusesAModuleOfAnotherVersification()
    {
        using var dir = new TempDir();
        var (es, _) = Modules(dir);
        ZTextTestWriter.Write(Path.Combine(dir.Path, "short"), ["", "", "x"], ["", "", "y"], 10);
        var e = Assert.Throws<DataInputException>(() => VersePairing.Pair(es, new TextNormalizer(true), ZTextModule.Open(Path.Combine(dir.Path, "short")), new TextNormalizer(false)));
        Assert.Contains("KJV versification", e.Message);
    }

    [Fact]
    public void BookSplitListsAreDisjointAndKnown()
    {
        foreach (var id in BookSplit.ValidBooks.Concat(BookSplit.TestBooks)) Assert.True(KjvVersification.FindBook(id) >= 0, id);
        Assert.Empty(BookSplit.ValidBooks.Intersect(BookSplit.TestBooks));
        var perSplit = Enumerable.Range(0, 66).GroupBy(BookSplit.SplitOf).ToDictionary(g => g.Key, g => g.Sum(b => KjvVersification.Books[b].Verses));
        // About 5% of the verses each, as documented.
        Assert.InRange(perSplit[BookSplit.Valid], 1200, 1800);
        Assert.InRange(perSplit[BookSplit.Test], 1200, 1800);
    }

    [Fact]
    public void SplittingSyntheticPairsLeaksNoBook()
    {
        using var dir = new TempDir();
        var (es, en) = Modules(dir);
        var pairs = VersePairing.Pair(es, new TextNormalizer(true), en, new TextNormalizer(false)).Pairs;
        var booksBySplit = pairs.GroupBy(p => BookSplit.SplitOf(VersePairing.BookOf(p.Id)))
                                .ToDictionary(g => g.Key, g => g.Select(p => VersePairing.BookOf(p.Id)).ToHashSet());
        Assert.Equal(3, booksBySplit.Count);
        Assert.Empty(booksBySplit["train"].Intersect(booksBySplit["valid"]));
        Assert.Empty(booksBySplit["train"].Intersect(booksBySplit["test"]));
        Assert.Empty(booksBySplit["valid"].Intersect(booksBySplit["test"]));
        Assert.Equal(66, booksBySplit.Values.Sum(s => s.Count));
    }
}
