namespace NativeDsp.Experiments.Data.Sword;

/// <summary>A book of the KJV versification: OSIS id, English name, and the number of verses of each chapter.</summary>
public sealed record BibleBook(string OsisId, string Name, int[] VersesPerChapter)
{
    public int Chapters => VersesPerChapter.Length;
    public int Verses => VersesPerChapter.Sum();
}

/// <summary>A verse reference; <see cref="BookIndex"/> is 0-based in canonical order (0 = Genesis, 65 = Revelation).</summary>
public readonly record struct VerseRef(int BookIndex, int Chapter, int Verse)
{
    public BibleBook Book => KjvVersification.Books[BookIndex];
    public override string ToString() => $"{Book.OsisId}.{Chapter}.{Verse}";
}

/// <summary>
/// The KJV versification (SWORD's <c>Versification=KJV</c>, shared by both modules used here): 66 books,
/// 1,189 chapters, 31,102 verses (23,145 Old Testament, 7,957 New). The table is public-domain reference
/// data; it was read off the chapter and book markers of the installed KJV module and checked against an
/// independent verse-count list (they differ only where modern editions drop verses the KJV keeps, e.g.
/// Matt 17:21, Acts 8:37), and the tests check it against both installed modules when they are present.
///
/// SWORD stores a testament as one flat sequence of entries in which headings have entries too:
/// index 0 and 1 are the module and testament headings, then each book has a book-heading entry, and
/// each chapter a chapter-heading entry followed by its verses. So Genesis 1:1 is entry 4 of the Old
/// Testament (0, 1, Genesis heading, chapter 1 heading, then 1:1).
/// </summary>
public static class KjvVersification
{
    public const int OldTestamentBooks = 39;
    const int TestamentHeadingEntries = 2;

    public static readonly IReadOnlyList<BibleBook> Books =
    [
        new("Gen", "Genesis", [31, 25, 24, 26, 32, 22, 24, 22, 29, 32, 32, 20, 18, 24, 21, 16, 27, 33, 38, 18, 34, 24, 20, 67, 34, 35, 46, 22, 35, 43, 55, 32, 20, 31, 29, 43, 36, 30, 23, 23, 57, 38, 34, 34, 28, 34, 31, 22, 33, 26]),
        new("Exod", "Exodus", [22, 25, 22, 31, 23, 30, 25, 32, 35, 29, 10, 51, 22, 31, 27, 36, 16, 27, 25, 26, 36, 31, 33, 18, 40, 37, 21, 43, 46, 38, 18, 35, 23, 35, 35, 38, 29, 31, 43, 38]),
        new("Lev", "Leviticus", [17, 16, 17, 35, 19, 30, 38, 36, 24, 20, 47, 8, 59, 57, 33, 34, 16, 30, 37, 27, 24, 33, 44, 23, 55, 46, 34]),
        new("Num", "Numbers", [54, 34, 51, 49, 31, 27, 89, 26, 23, 36, 35, 16, 33, 45, 41, 50, 13, 32, 22, 29, 35, 41, 30, 25, 18, 65, 23, 31, 40, 16, 54, 42, 56, 29, 34, 13]),
        new("Deut", "Deuteronomy", [46, 37, 29, 49, 33, 25, 26, 20, 29, 22, 32, 32, 18, 29, 23, 22, 20, 22, 21, 20, 23, 30, 25, 22, 19, 19, 26, 68, 29, 20, 30, 52, 29, 12]),
        new("Josh", "Joshua", [18, 24, 17, 24, 15, 27, 26, 35, 27, 43, 23, 24, 33, 15, 63, 10, 18, 28, 51, 9, 45, 34, 16, 33]),
        new("Judg", "Judges", [36, 23, 31, 24, 31, 40, 25, 35, 57, 18, 40, 15, 25, 20, 20, 31, 13, 31, 30, 48, 25]),
        new("Ruth", "Ruth", [22, 23, 18, 22]),
        new("1Sam", "1 Samuel", [28, 36, 21, 22, 12, 21, 17, 22, 27, 27, 15, 25, 23, 52, 35, 23, 58, 30, 24, 42, 15, 23, 29, 22, 44, 25, 12, 25, 11, 31, 13]),
        new("2Sam", "2 Samuel", [27, 32, 39, 12, 25, 23, 29, 18, 13, 19, 27, 31, 39, 33, 37, 23, 29, 33, 43, 26, 22, 51, 39, 25]),
        new("1Kgs", "1 Kings", [53, 46, 28, 34, 18, 38, 51, 66, 28, 29, 43, 33, 34, 31, 34, 34, 24, 46, 21, 43, 29, 53]),
        new("2Kgs", "2 Kings", [18, 25, 27, 44, 27, 33, 20, 29, 37, 36, 21, 21, 25, 29, 38, 20, 41, 37, 37, 21, 26, 20, 37, 20, 30]),
        new("1Chr", "1 Chronicles", [54, 55, 24, 43, 26, 81, 40, 40, 44, 14, 47, 40, 14, 17, 29, 43, 27, 17, 19, 8, 30, 19, 32, 31, 31, 32, 34, 21, 30]),
        new("2Chr", "2 Chronicles", [17, 18, 17, 22, 14, 42, 22, 18, 31, 19, 23, 16, 22, 15, 19, 14, 19, 34, 11, 37, 20, 12, 21, 27, 28, 23, 9, 27, 36, 27, 21, 33, 25, 33, 27, 23]),
        new("Ezra", "Ezra", [11, 70, 13, 24, 17, 22, 28, 36, 15, 44]),
        new("Neh", "Nehemiah", [11, 20, 32, 23, 19, 19, 73, 18, 38, 39, 36, 47, 31]),
        new("Esth", "Esther", [22, 23, 15, 17, 14, 14, 10, 17, 32, 3]),
        new("Job", "Job", [22, 13, 26, 21, 27, 30, 21, 22, 35, 22, 20, 25, 28, 22, 35, 22, 16, 21, 29, 29, 34, 30, 17, 25, 6, 14, 23, 28, 25, 31, 40, 22, 33, 37, 16, 33, 24, 41, 30, 24, 34, 17]),
        new("Ps", "Psalms", [6, 12, 8, 8, 12, 10, 17, 9, 20, 18, 7, 8, 6, 7, 5, 11, 15, 50, 14, 9, 13, 31, 6, 10, 22, 12, 14, 9, 11, 12, 24, 11, 22, 22, 28, 12, 40, 22, 13, 17, 13, 11, 5, 26, 17, 11, 9, 14, 20, 23, 19, 9, 6, 7, 23, 13, 11, 11, 17, 12, 8, 12, 11, 10, 13, 20, 7, 35, 36, 5, 24, 20, 28, 23, 10, 12, 20, 72, 13, 19, 16, 8, 18, 12, 13, 17, 7, 18, 52, 17, 16, 15, 5, 23, 11, 13, 12, 9, 9, 5, 8, 28, 22, 35, 45, 48, 43, 13, 31, 7, 10, 10, 9, 8, 18, 19, 2, 29, 176, 7, 8, 9, 4, 8, 5, 6, 5, 6, 8, 8, 3, 18, 3, 3, 21, 26, 9, 8, 24, 13, 10, 7, 12, 15, 21, 10, 20, 14, 9, 6]),
        new("Prov", "Proverbs", [33, 22, 35, 27, 23, 35, 27, 36, 18, 32, 31, 28, 25, 35, 33, 33, 28, 24, 29, 30, 31, 29, 35, 34, 28, 28, 27, 28, 27, 33, 31]),
        new("Eccl", "Ecclesiastes", [18, 26, 22, 16, 20, 12, 29, 17, 18, 20, 10, 14]),
        new("Song", "Song of Solomon", [17, 17, 11, 16, 16, 13, 13, 14]),
        new("Isa", "Isaiah", [31, 22, 26, 6, 30, 13, 25, 22, 21, 34, 16, 6, 22, 32, 9, 14, 14, 7, 25, 6, 17, 25, 18, 23, 12, 21, 13, 29, 24, 33, 9, 20, 24, 17, 10, 22, 38, 22, 8, 31, 29, 25, 28, 28, 25, 13, 15, 22, 26, 11, 23, 15, 12, 17, 13, 12, 21, 14, 21, 22, 11, 12, 19, 12, 25, 24]),
        new("Jer", "Jeremiah", [19, 37, 25, 31, 31, 30, 34, 22, 26, 25, 23, 17, 27, 22, 21, 21, 27, 23, 15, 18, 14, 30, 40, 10, 38, 24, 22, 17, 32, 24, 40, 44, 26, 22, 19, 32, 21, 28, 18, 16, 18, 22, 13, 30, 5, 28, 7, 47, 39, 46, 64, 34]),
        new("Lam", "Lamentations", [22, 22, 66, 22, 22]),
        new("Ezek", "Ezekiel", [28, 10, 27, 17, 17, 14, 27, 18, 11, 22, 25, 28, 23, 23, 8, 63, 24, 32, 14, 49, 32, 31, 49, 27, 17, 21, 36, 26, 21, 26, 18, 32, 33, 31, 15, 38, 28, 23, 29, 49, 26, 20, 27, 31, 25, 24, 23, 35]),
        new("Dan", "Daniel", [21, 49, 30, 37, 31, 28, 28, 27, 27, 21, 45, 13]),
        new("Hos", "Hosea", [11, 23, 5, 19, 15, 11, 16, 14, 17, 15, 12, 14, 16, 9]),
        new("Joel", "Joel", [20, 32, 21]),
        new("Amos", "Amos", [15, 16, 15, 13, 27, 14, 17, 14, 15]),
        new("Obad", "Obadiah", [21]),
        new("Jonah", "Jonah", [17, 10, 10, 11]),
        new("Mic", "Micah", [16, 13, 12, 13, 15, 16, 20]),
        new("Nah", "Nahum", [15, 13, 19]),
        new("Hab", "Habakkuk", [17, 20, 19]),
        new("Zeph", "Zephaniah", [18, 15, 20]),
        new("Hag", "Haggai", [15, 23]),
        new("Zech", "Zechariah", [21, 13, 10, 14, 11, 15, 14, 23, 17, 12, 17, 14, 9, 21]),
        new("Mal", "Malachi", [14, 17, 18, 6]),
        new("Matt", "Matthew", [25, 23, 17, 25, 48, 34, 29, 34, 38, 42, 30, 50, 58, 36, 39, 28, 27, 35, 30, 34, 46, 46, 39, 51, 46, 75, 66, 20]),
        new("Mark", "Mark", [45, 28, 35, 41, 43, 56, 37, 38, 50, 52, 33, 44, 37, 72, 47, 20]),
        new("Luke", "Luke", [80, 52, 38, 44, 39, 49, 50, 56, 62, 42, 54, 59, 35, 35, 32, 31, 37, 43, 48, 47, 38, 71, 56, 53]),
        new("John", "John", [51, 25, 36, 54, 47, 71, 53, 59, 41, 42, 57, 50, 38, 31, 27, 33, 26, 40, 42, 31, 25]),
        new("Acts", "Acts", [26, 47, 26, 37, 42, 15, 60, 40, 43, 48, 30, 25, 52, 28, 41, 40, 34, 28, 41, 38, 40, 30, 35, 27, 27, 32, 44, 31]),
        new("Rom", "Romans", [32, 29, 31, 25, 21, 23, 25, 39, 33, 21, 36, 21, 14, 23, 33, 27]),
        new("1Cor", "1 Corinthians", [31, 16, 23, 21, 13, 20, 40, 13, 27, 33, 34, 31, 13, 40, 58, 24]),
        new("2Cor", "2 Corinthians", [24, 17, 18, 18, 21, 18, 16, 24, 15, 18, 33, 21, 14]),
        new("Gal", "Galatians", [24, 21, 29, 31, 26, 18]),
        new("Eph", "Ephesians", [23, 22, 21, 32, 33, 24]),
        new("Phil", "Philippians", [30, 30, 21, 23]),
        new("Col", "Colossians", [29, 23, 25, 18]),
        new("1Thess", "1 Thessalonians", [10, 20, 13, 18, 28]),
        new("2Thess", "2 Thessalonians", [12, 17, 18]),
        new("1Tim", "1 Timothy", [20, 15, 16, 16, 25, 21]),
        new("2Tim", "2 Timothy", [18, 26, 17, 22]),
        new("Titus", "Titus", [16, 15, 15]),
        new("Phlm", "Philemon", [25]),
        new("Heb", "Hebrews", [14, 18, 19, 16, 14, 20, 28, 13, 28, 39, 40, 29, 25]),
        new("Jas", "James", [27, 26, 18, 17, 20]),
        new("1Pet", "1 Peter", [25, 25, 22, 19, 14]),
        new("2Pet", "2 Peter", [21, 22, 18]),
        new("1John", "1 John", [10, 29, 24, 21, 21]),
        new("2John", "2 John", [13]),
        new("3John", "3 John", [14]),
        new("Jude", "Jude", [25]),
        new("Rev", "Revelation", [20, 29, 22, 11, 14, 17, 17, 13, 21, 11, 19, 17, 18, 20, 8, 21, 18, 24, 21, 15, 27, 21]),
    ];

    static readonly int[] BookFirstEntry = ComputeBookFirstEntries();

    /// <summary>0 for the Old Testament (Genesis-Malachi), 1 for the New (Matthew-Revelation).</summary>
    public static int Testament(int bookIndex) => bookIndex < OldTestamentBooks ? 0 : 1;

    /// <summary>Number of entries (headings included) a zText testament file of this versification has.</summary>
    public static int EntryCount(int testament)
    {
        int first = testament == 0 ? 0 : OldTestamentBooks, end = testament == 0 ? OldTestamentBooks : Books.Count;
        int n = TestamentHeadingEntries;
        for (int b = first; b < end; b++) n += 1 + Books[b].Chapters + Books[b].Verses;
        return n;
    }

    /// <summary>The entry index, within its testament, of a verse.</summary>
    public static int EntryIndex(VerseRef v)
    {
        var book = Books[v.BookIndex];
        if (v.Chapter < 1 || v.Chapter > book.Chapters || v.Verse < 1 || v.Verse > book.VersesPerChapter[v.Chapter - 1])
            throw new ArgumentOutOfRangeException(nameof(v), v, $"KjvVersification: {book.Name} has no verse {v.Chapter}:{v.Verse}");
        int index = BookFirstEntry[v.BookIndex] + 1; // past the book heading
        for (int c = 1; c < v.Chapter; c++) index += 1 + book.VersesPerChapter[c - 1];
        return index + 1 + (v.Verse - 1); // past the chapter heading
    }

    /// <summary>Every verse of the Bible in canonical order.</summary>
    public static IEnumerable<VerseRef> AllVerses()
    {
        for (int b = 0; b < Books.Count; b++)
            for (int c = 1; c <= Books[b].Chapters; c++)
                for (int v = 1; v <= Books[b].VersesPerChapter[c - 1]; v++)
                    yield return new VerseRef(b, c, v);
    }

    /// <summary>The book index of an OSIS id ("Gen", "1John") or an English name ("1 John"); -1 when unknown.</summary>
    public static int FindBook(string idOrName)
    {
        for (int b = 0; b < Books.Count; b++)
            if (string.Equals(Books[b].OsisId, idOrName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(Books[b].Name, idOrName, StringComparison.OrdinalIgnoreCase))
                return b;
        return -1;
    }

    static int[] ComputeBookFirstEntries()
    {
        var first = new int[Books.Count];
        int index = TestamentHeadingEntries;
        for (int b = 0; b < Books.Count; b++)
        {
            if (b == OldTestamentBooks) index = TestamentHeadingEntries;
            first[b] = index;
            index += 1 + Books[b].Chapters + Books[b].Verses;
        }
        return first;
    }
}
