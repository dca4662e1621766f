using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Sword;

namespace NativeDsp.Experiments.Data.Mt;

/// <summary>
/// Pairs the verses of two zText modules that share the KJV versification: entry i of one module is the
/// same verse as entry i of the other, so pairing is by verse reference, never by position in the text.
/// A verse that is empty on either side after markup removal (a few verses are merged into a neighbour
/// in one translation) is dropped and counted.
/// </summary>
public static class VersePairing
{
    public sealed record Result(List<ParallelPair> Pairs, int DroppedEmpty);

    public static Result Pair(ZTextModule source, TextNormalizer sourceNorm, ZTextModule target, TextNormalizer targetNorm)
    {
        foreach (var m in new[] { source, target })
            for (int t = 0; t < 2; t++)
                if (m.EntryCount(t) != KjvVersification.EntryCount(t))
                    throw new DataInputException(
                        $"{m.Directory}: testament {(t == 0 ? "ot" : "nt")} has {m.EntryCount(t)} entries, the KJV versification needs {KjvVersification.EntryCount(t)}; is the module's Versification KJV?");
        var pairs = new List<ParallelPair>(31_200);
        int dropped = 0;
        foreach (var v in KjvVersification.AllVerses())
        {
            int t = KjvVersification.Testament(v.BookIndex), index = KjvVersification.EntryIndex(v);
            string s = sourceNorm.Normalize(OsisText.ToPlainText(source.Entry(t, index)));
            string g = targetNorm.Normalize(OsisText.ToPlainText(target.Entry(t, index)));
            if (s.Length == 0 || g.Length == 0)
            {
                dropped++;
                continue;
            }
            pairs.Add(new ParallelPair(v.ToString(), s, g));
        }
        return new Result(pairs, dropped);
    }

    /// <summary>The book of a pair id such as "1John.2.3".</summary>
    public static int BookOf(string id)
    {
        int dot = id.IndexOf('.');
        int book = dot < 0 ? -1 : KjvVersification.FindBook(id[..dot]);
        if (book < 0) throw new DataInputException($"verse id '{id}' does not start with a known OSIS book id");
        return book;
    }
}
