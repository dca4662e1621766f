using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Nli;

/// <summary>
/// Splits premise triples by Brown document: a document's sentences all go to one split, so no premise
/// (and no sentence used as a "related sentence" hypothesis) is shared across splits, and held-out
/// premises do not come from a text seen in training. Documents are shuffled with the seed; test is
/// filled first, then valid, and train takes the rest, each cut to its target size.
/// </summary>
public static class NliSplitter
{
    public static Dictionary<string, List<PremiseTriple>> Split(IReadOnlyList<PremiseTriple> triples, int trainTriples, int validTriples, int testTriples, ulong seed)
    {
        var byDoc = triples.GroupBy(t => t.Premise.Document).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        new SeededRandom(seed ^ 0x5EED5EED5EED5EEDUL).Shuffle(byDoc);
        var result = new Dictionary<string, List<PremiseTriple>> { ["test"] = [], ["valid"] = [], ["train"] = [] };
        foreach (var doc in byDoc)
        {
            string split = result["test"].Count < testTriples ? "test" : result["valid"].Count < validTriples ? "valid" : "train";
            result[split].AddRange(doc);
        }
        Cut(result["test"], testTriples);
        Cut(result["valid"], validTriples);
        Cut(result["train"], trainTriples);
        return result;
    }

    static void Cut(List<PremiseTriple> list, int n)
    {
        if (list.Count > n) list.RemoveRange(n, list.Count - n);
    }
}
