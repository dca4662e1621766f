namespace NativeDsp.Experiments.Data.Nli;

/// <summary>The three NLI classes, numbered as in MNLI/GLUE (0 entailment, 1 neutral, 2 contradiction).</summary>
public enum NliLabel
{
    Entailment = 0,
    Neutral = 1,
    Contradiction = 2,
}

/// <summary>
/// One premise-hypothesis pair. <see cref="Rule"/> and <see cref="Edit"/> say how a generated example was
/// made (e.g. "hypernym", "dog -> canine"); they are empty for examples read from SNLI/MNLI.
/// </summary>
public sealed record NliExample(string Id, string Premise, string Hypothesis, NliLabel Label, string Rule = "", string Edit = "");

public static class NliLabels
{
    public static readonly IReadOnlyList<NliLabel> All = [NliLabel.Entailment, NliLabel.Neutral, NliLabel.Contradiction];

    public static string Name(NliLabel label) => label switch
    {
        NliLabel.Entailment => "entailment",
        NliLabel.Neutral => "neutral",
        NliLabel.Contradiction => "contradiction",
        _ => throw new ArgumentOutOfRangeException(nameof(label), label, "not an NLI label"),
    };

    /// <summary>Parses the label spellings of SNLI, MNLI and GLUE (names, or the digits 0/1/2); null when unknown.</summary>
    public static NliLabel? Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "entailment" or "0" => NliLabel.Entailment,
        "neutral" or "1" => NliLabel.Neutral,
        "contradiction" or "2" => NliLabel.Contradiction,
        _ => null,
    };
}
