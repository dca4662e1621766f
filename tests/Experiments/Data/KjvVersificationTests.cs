using NativeDsp.Experiments.Data.Mt;
using NativeDsp.Experiments.Data.Sword;

namespace NativeDsp.Tests.Experiments.Data;

public class KjvVersificationTests
{
    [Fact]
    public void TableHasTheCanonicalKjvTotals()
    {
        // Public reference figures of the KJV (1769): 66 books, 1,189 chapters, 31,102 verses (23,145 OT, 7,957 NT).
        var books = KjvVersification.Books;
        Assert.Equal(66, books.Count);
        Assert.Equal(1189, books.Sum(b => b.Chapters));
        Assert.Equal(31102, books.Sum(b => b.Verses));
        Assert.Equal(23145, books.Take(39).Sum(b => b.Verses));
        Assert.Equal(7957, books.Skip(39).Sum(b => b.Verses));
        Assert.Equal(150, books[KjvVersification.FindBook("Ps")].Chapters);
        Assert.Equal(176, books[KjvVersification.FindBook("Ps")].VersesPerChapter[118]);
        Assert.Equal(21, books[KjvVersification.FindBook("Rev")].VersesPerChapter[21]);
        Assert.Equal(36, books[KjvVersification.FindBook("John")].VersesPerChapter[2]);
    }

    [Fact]
    public void EntryIndexFollowsSwordLayout()
    {
        // Module heading, testament heading, book heading, chapter heading, then Gen 1:1.
        Assert.Equal(4, KjvVersification.EntryIndex(new VerseRef(0, 1, 1)));
        Assert.Equal(4 + 31 + 1, KjvVersification.EntryIndex(new VerseRef(0, 2, 1)));
        Assert.Equal(4, KjvVersification.EntryIndex(new VerseRef(KjvVersification.FindBook("Matt"), 1, 1)));
        // The sizes of the installed modules' .bzv files / 10.
        Assert.Equal(24115, KjvVersification.EntryCount(0));
        Assert.Equal(8246, KjvVersification.EntryCount(1));
        Assert.Equal(KjvVersification.EntryCount(1) - 1, KjvVersification.EntryIndex(new VerseRef(65, 22, 21)));
        Assert.Throws<ArgumentOutOfRangeException>(() => KjvVersification.EntryIndex(new VerseRef(0, 50, 27)));
    }

    [Fact]
    public void EveryVerseHasItsOwnEntry()
    {
        var seen = new HashSet<(int, int)>();
        foreach (var v in KjvVersification.AllVerses())
            Assert.True(seen.Add((KjvVersification.Testament(v.BookIndex), KjvVersification.EntryIndex(v))), v.ToString());
        Assert.Equal(31102, seen.Count);
    }

    /// <summary>
    /// Against the real modules: every chapter-heading entry the table predicts carries that chapter's
    /// OSIS marker, and known verses read right in both languages. Runs where sword-text-kjv and
    /// sword-text-sparv are installed (the machine that builds the data); elsewhere the committed-data
    /// test below checks the same verses.
    /// </summary>
    [SkippableFact]
    public void InstalledModulesLineUpWithTheTable()
    {
        var all = SwordLibrary.List(SwordLibrary.DefaultRoots());
        var es = all.FirstOrDefault(m => MtCorpusBuilder.SpanishModules.Contains(m.Name));
        var en = all.FirstOrDefault(m => MtCorpusBuilder.EnglishModules.Contains(m.Name));
        Skip.If(es is null || en is null,
                $"needs the Debian SWORD modules sword-text-sparv and sword-text-kjv under {string.Join(" or ", SwordLibrary.DefaultRoots())} (apt-get install sword-text-sparv sword-text-kjv)");
        foreach (var info in new[] { es, en })
        {
            var m = ZTextModule.Open(info.DataDirectory);
            for (int b = 0; b < KjvVersification.Books.Count; b++)
            {
                var book = KjvVersification.Books[b];
                int t = KjvVersification.Testament(b);
                for (int c = 1; c <= book.Chapters; c++)
                {
                    int heading = KjvVersification.EntryIndex(new VerseRef(b, c, 1)) - 1;
                    Assert.Contains($"osisID=\"{book.OsisId}.{c}\" sID=", m.Entry(t, heading));
                }
            }
        }
        string Verse(SwordModuleInfo info, string book, int c, int v)
        {
            var r = new VerseRef(KjvVersification.FindBook(book), c, v);
            return OsisText.ToPlainText(ZTextModule.Open(info.DataDirectory).Entry(KjvVersification.Testament(r.BookIndex), KjvVersification.EntryIndex(r)));
        }
        Assert.Contains("In the beginning God created", Verse(en, "Gen", 1, 1));
        Assert.Contains("EN el principio crió Dios", Verse(es, "Gen", 1, 1));
        Assert.Contains("For God so loved the world", Verse(en, "John", 3, 16));
        Assert.Contains("de tal manera amó Dios al mundo", Verse(es, "John", 3, 16));
        Assert.Contains("The grace of our Lord Jesus Christ", Verse(en, "Rev", 22, 21));
        Assert.Contains("La gracia de nuestro Señor Jesucristo", Verse(es, "Rev", 22, 21));
    }
}
