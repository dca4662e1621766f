using NativeDsp.Experiments.Data.Sword;

namespace NativeDsp.Experiments.Data.Mt;

/// <summary>
/// The fixed split of the Bible by book: no book is in two splits, so a model is never evaluated on a
/// verse whose neighbours it trained on. Valid and test each take about 5% of the verses and mix genres
/// (narrative, wisdom, prophecy, gospel, epistle). Books with close parallels elsewhere (Mark, Luke and
/// Matthew; Kings and Chronicles) stay together in train, so that held-out text is not a near-copy of
/// training text; John, the least synoptic gospel, is in test.
/// </summary>
public static class BookSplit
{
    public const string Train = "train", Valid = "valid", Test = "test";

    /// <summary>About 1,430 verses.</summary>
    public static readonly IReadOnlyList<string> ValidBooks =
        ["Ruth", "Eccl", "Dan", "Joel", "Jonah", "Phil", "Heb", "Jas", "1John", "2John", "3John"];

    /// <summary>About 1,710 verses.</summary>
    public static readonly IReadOnlyList<string> TestBooks =
        ["Esth", "Lam", "Mic", "Hab", "John", "Gal", "Col", "1Pet"];

    public static string SplitOf(int bookIndex)
    {
        string id = KjvVersification.Books[bookIndex].OsisId;
        if (ValidBooks.Contains(id)) return Valid;
        if (TestBooks.Contains(id)) return Test;
        return Train;
    }
}
