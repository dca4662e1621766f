namespace NativeDsp.Model.Transformer;

/// <summary>The two usual length normalisations of a hypothesis' log-probability.</summary>
public enum LengthPenaltyKind
{
    /// <summary>fairseq: score = logP / len^alpha (alpha 1 = the mean log-probability per token; 0 = none).</summary>
    Fairseq,
    /// <summary>GNMT (Wu et al. 2016): score = logP / ((5 + len) / 6)^alpha.</summary>
    Gnmt,
}

/// <summary>
/// The length penalty of decoding. len counts the generated tokens including the final EOS (not the
/// start token); a hypothesis cut at the maximum length has len = that maximum. Greedy search, beam
/// search and <see cref="SequenceGenerator.Score"/> all use this same objective.
/// </summary>
public readonly record struct LengthPenalty(LengthPenaltyKind Kind, float Alpha)
{
    /// <summary>fairseq's default (lenpen 1): the mean log-probability per token.</summary>
    public static LengthPenalty Default => new(LengthPenaltyKind.Fairseq, 1f);

    /// <summary>No normalisation: the plain log-probability.</summary>
    public static LengthPenalty None => new(LengthPenaltyKind.Fairseq, 0f);

    /// <summary>The divisor of the log-probability for a hypothesis of <paramref name="length"/> tokens: len^alpha (fairseq; len at least 1) or ((5 + len) / 6)^alpha (GNMT).</summary>
    public double Divisor(int length) => Kind == LengthPenaltyKind.Gnmt
        ? Math.Pow((5.0 + length) / 6.0, Alpha)
        : Math.Pow(Math.Max(length, 1), Alpha);

    /// <summary>The search objective, logProb / Divisor(length).</summary>
    public double Normalise(double logProb, int length) => logProb / Divisor(length);
}
