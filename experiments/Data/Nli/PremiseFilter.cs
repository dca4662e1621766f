namespace NativeDsp.Experiments.Data.Nli;

/// <summary>
/// Which Brown sentences can be premises. The lexical rules are only valid in plain, upward-monotone
/// sentences: replacing "dog" by its hypernym "canine" is entailed by "The dog barked" but not by "No
/// dog barked" or "If the dog barked, ...", and co-hyponym or antonym substitution only contradicts
/// when nothing negates or quantifies over the changed word. So a premise is a declarative sentence of
/// 6 to 40 tokens that ends in a full stop (possibly inside a quotation), has no brackets, no foreign words or
/// headline tags, and none of the negations, downward-entailing quantifiers or conditionals listed below.
/// </summary>
public static class PremiseFilter
{
    public const int MinTokens = 6, MaxTokens = 40;

    /// <summary>Words that negate, quantify downward or make the sentence hypothetical.</summary>
    public static readonly HashSet<string> NonMonotoneWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "not", "n't", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor", "without",
        "every", "all", "each", "any", "anyone", "anything", "few", "if", "unless", "only", "hardly",
        "scarcely", "seldom", "rarely", "barely", "before", "than", "whether", "doubt", "doubted",
        "deny", "denied", "refuse", "refused", "fail", "failed", "lack", "lacked", "too", "less", "least",
        "might", "may", "could", "would", "should", "must", "perhaps", "maybe", "whoever", "whatever",
    };

    /// <summary>Basic quality, used also for "related sentence" hypotheses.</summary>
    public static bool IsClean(BrownSentence s)
    {
        var w = s.Words;
        if (w.Count < MinTokens || w.Count > MaxTokens) return false;
        int end = w[^1].Word == "''" ? w.Count - 2 : w.Count - 1; // a sentence may end inside a quotation: ... ."
        if (end < 1 || w[end].Word != ".") return false;
        if (w[0].Word.Length == 0 || !char.IsUpper(w[0].Word[0])) return false;
        for (int i = 0; i < w.Count; i++)
        {
            var t = w[i];
            if (t.Word is "(" or ")" or "?" or "!" or "'" or "[" or "]") return false;
            if (i < end && t.Word == ".") return false;
            if (t.Tag == "fw" || t.FullTag.Contains("-hl", StringComparison.Ordinal)) return false;
            foreach (char c in t.Word)
                if (!(char.IsLetterOrDigit(c) || c is '\'' or '-' or ',' or '.' or '$' or '%' or '&' or '`' or ';' or ':')) return false;
        }
        return true;
    }

    /// <summary>Clean and upward-monotone: usable as a premise for every rule.</summary>
    public static bool IsPremise(BrownSentence s) =>
        IsClean(s) && s.Words.All(t => !t.FullTag.Contains('*') && !NonMonotoneWords.Contains(t.Word));
}
