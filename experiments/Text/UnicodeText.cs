using ICU4N;
using ICU4N.Globalization;
using ICU4N.Text;

namespace NativeDsp.Experiments.Text;

/// <summary>
/// The Unicode facts that .NET does not give under the project's <c>InvariantGlobalization</c>: canonical
/// decomposition (NFD) and the <c>Cased</c> / <c>Case_Ignorable</c> properties (Unicode's
/// DerivedCoreProperties, needed for the Final_Sigma rule of lower-casing).
/// </summary>
/// <remarks>
/// Why a managed library and not ICU through .NET: with <c>InvariantGlobalization=true</c>,
/// <see cref="string.Normalize(System.Text.NormalizationForm)"/> returns non-ASCII text unchanged (checked on
/// .NET 10: "é" stays U+00E9), so BERT's "NFD, then drop Mn" cannot be done by the runtime. Turning invariant
/// mode off would make every run depend on the machine's libicu (absent on minimal containers, where .NET
/// then refuses to start) and would make number formatting and comparisons culture-sensitive across the whole
/// project; the project keeps invariant mode for those reasons. ICU4N is the managed port of ICU (no native
/// library), so it works the same on every machine. Its data is Unicode 10.0 (ICU 60); the general categories
/// and simple case mappings come from .NET's own tables (Unicode 16.0), which invariant mode keeps. The one
/// canonical decomposition added after Unicode 10.0 and before Python 3.11's 14.0 (U+11938, Dives Akuru,
/// Unicode 13.0) is therefore left composed; tests/Experiments/Tokenization/Data/bert_unicode_data.json holds Python's NFD
/// of every code point and a test checks this class against all of them.
/// </remarks>
public static class UnicodeText
{
    static readonly Normalizer2 NfdInstance = Normalizer2.NFDInstance;

    /// <summary>Canonical decomposition (Unicode Normalization Form D), with canonical reordering of marks.</summary>
    public static string Nfd(string text)
    {
        // ASCII is its own NFD; most text the project reads is, so skip the library call.
        foreach (char c in text)
            if (c >= 0x80) return NfdInstance.Normalize(text);
        return text;
    }

    /// <summary>Unicode's Cased property (Lu, Ll, Lt, Other_Lowercase, Other_Uppercase).</summary>
    public static bool IsCased(int codePoint) => UChar.HasBinaryProperty(codePoint, UProperty.Cased);

    /// <summary>Unicode's Case_Ignorable property (Mn, Me, Cf, Lm, Sk and the word-break MidLetter/MidNumLet/Single_Quote characters).</summary>
    public static bool IsCaseIgnorable(int codePoint) => UChar.HasBinaryProperty(codePoint, UProperty.Case_Ignorable);
}
