using System.Text;
using System.Text.RegularExpressions;

namespace NativeDsp.Experiments.Data.Mt;

/// <summary>
/// The whitespace and punctuation normalisation applied to both sides of the parallel corpus, so that
/// typographic variants do not become distinct tokens: Unicode NFC (a no-op under the project's
/// InvariantGlobalization; both modules are already precomposed, which the MT tests check); curly quotes to straight ones; the
/// pilcrow (¶, a paragraph mark in the KJV source) and editorial brackets removed; one space between
/// words; no space before , . ; : ! ? ) nor after ( ¿ ¡. The Reina-Valera prints the first word of each
/// chapter (and of some sections) in capitals ("EN el principio"); <see cref="TitleCaseShoutedWords"/>
/// undoes that so that "EN" and "En" are one word. It is off for English, where the KJV's LORD and GOD
/// (small capitals in print) are conventional spellings.
/// </summary>
public sealed class TextNormalizer(bool titleCaseShoutedWords)
{
    static readonly Regex Spaces = new(@"\s+", RegexOptions.CultureInvariant);
    static readonly Regex SpaceBeforeClosing = new(@" (?=[,.;:!?)])", RegexOptions.CultureInvariant);
    static readonly Regex SpaceAfterOpening = new(@"(?<=[(¿¡]) ", RegexOptions.CultureInvariant);
    static readonly Regex ShoutedWord = new(@"\b\p{Lu}{2,}\b", RegexOptions.CultureInvariant);

    public bool TitleCaseShoutedWords { get; } = titleCaseShoutedWords;

    public string Normalize(string text)
    {
        var s = new StringBuilder(text.Normalize(NormalizationForm.FormC))
            .Replace('\u2019', '\'').Replace('\u2018', '\'')
            .Replace('\u201C', '"').Replace('\u201D', '"')
            .Replace("\u00B6", " ").Replace("[", "").Replace("]", "")
            .ToString();
        s = Spaces.Replace(s, " ").Trim();
        s = SpaceBeforeClosing.Replace(s, "");
        s = SpaceAfterOpening.Replace(s, "");
        if (TitleCaseShoutedWords)
            s = ShoutedWord.Replace(s, m => m.Value[0] + m.Value[1..].ToLowerInvariant());
        return s;
    }
}
