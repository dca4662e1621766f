namespace NativeDsp.Experiments.Data.Nli;

/// <summary>Small word-level edits the rules share: replace, insert, delete, and keeping "a"/"an" right.</summary>
public static class SentenceEdits
{
    public static readonly HashSet<string> Determiners = ["at", "dt", "dts", "pp$"];
    public static readonly HashSet<string> BeForms = ["be", "bed", "bedz", "bem", "ben", "ber", "bez"];

    public static List<string> Words(BrownSentence s) => s.Words.Select(w => w.Word).ToList();

    public static List<string> Replace(BrownSentence s, int index, string replacement)
    {
        var w = Words(s);
        w[index] = MatchCase(s.Words[index].Word, replacement);
        FixArticle(w, index);
        return w;
    }

    public static List<string> Insert(BrownSentence s, int index, params string[] words)
    {
        var w = Words(s);
        w.InsertRange(index, words);
        FixArticle(w, index);
        return w;
    }

    public static List<string> Delete(BrownSentence s, int index)
    {
        var w = Words(s);
        w.RemoveAt(index);
        FixArticle(w, index);
        return w;
    }

    /// <summary>After an edit at <paramref name="index"/>, makes a preceding "a"/"an" agree with the word now after it.</summary>
    public static void FixArticle(List<string> w, int index)
    {
        int a = index - 1;
        if (a < 0 || index >= w.Count) return;
        string art = w[a].ToLowerInvariant();
        if (art is not ("a" or "an")) return;
        string wanted = StartsWithVowelSound(w[index]) ? "an" : "a";
        w[a] = char.IsUpper(w[a][0]) ? char.ToUpperInvariant(wanted[0]) + wanted[1..] : wanted;
    }

    /// <summary>Spelling-based guess, with the usual exceptions (an hour, a university, a one-way street).</summary>
    public static bool StartsWithVowelSound(string word)
    {
        string x = word.ToLowerInvariant();
        if (x.Length == 0) return false;
        if (x.StartsWith("hour") || x.StartsWith("honest") || x.StartsWith("honor") || x.StartsWith("heir")) return true;
        if (x.StartsWith("uni") || x.StartsWith("use") || x.StartsWith("usu") || x.StartsWith("uti") || x.StartsWith("eu")
            || x.StartsWith("one") || x.StartsWith("once") || x.StartsWith("ewe") || x.StartsWith("uk")) return false;
        return "aeiou".Contains(x[0]);
    }

    /// <summary>The replacement written like the original: capitalised if it was (only at the sentence start in practice).</summary>
    public static string MatchCase(string original, string replacement) =>
        original.Length > 0 && char.IsUpper(original[0]) ? char.ToUpperInvariant(replacement[0]) + replacement[1..] : replacement;

    public static bool IsLowerAlpha(string word) => word.Length > 1 && word.All(c => c is >= 'a' and <= 'z');
}
