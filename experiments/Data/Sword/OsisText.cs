using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace NativeDsp.Experiments.Data.Sword;

/// <summary>
/// Turns the OSIS markup of a SWORD verse entry into plain text. Kept: the words, including those inside
/// <c>&lt;w lemma=...&gt;</c> (Strong's tags), <c>&lt;transChange&gt;</c> (words the translators added, part of
/// the printed text), <c>&lt;divineName&gt;</c>, <c>&lt;q&gt;</c>, and canonical titles (<c>canonical="true"</c>:
/// the psalm superscriptions, which the Spanish module prints inside verse 1, so keeping them keeps the
/// two sides aligned). Dropped with their content: <c>&lt;note&gt;</c> (translators' footnotes) and
/// non-canonical titles (section headings such as "ALEPH."). Every other tag is removed; block-level ones
/// (line, paragraph, milestone) leave a space so that words on either side do not run together.
/// A few KJV entries carry a stray USFM marker (<c>\nd </c>) left by the importer; those are removed too.
/// </summary>
public static class OsisText
{
    static readonly HashSet<string> InlineTags = ["w", "transChange", "divineName", "foreign", "seg", "q", "hi", "name", "rdg", "catchWord", "abbr"];
    static readonly Regex UsfmMarker = new(@"\\[a-z]+[0-9]*\*?\s?", RegexOptions.CultureInvariant);

    public static string ToPlainText(string osis)
    {
        var sb = new StringBuilder(osis.Length);
        int i = 0;
        while (i < osis.Length)
        {
            char ch = osis[i];
            if (ch != '<')
            {
                int next = osis.IndexOf('<', i);
                if (next < 0) next = osis.Length;
                sb.Append(osis, i, next - i);
                i = next;
                continue;
            }
            int close = osis.IndexOf('>', i);
            if (close < 0) break; // a truncated tag at the very end: nothing readable follows
            var tag = ParseTag(osis.AsSpan(i + 1, close - i - 1));
            i = close + 1;
            if (tag.IsOpening && !tag.IsSelfClosing && (tag.Name == "note" || (tag.Name == "title" && !tag.IsCanonical)))
            {
                i = SkipElement(osis, i, tag.Name);
                sb.Append(' ');
                continue;
            }
            if (!InlineTags.Contains(tag.Name)) sb.Append(' ');
        }
        string text = WebUtility.HtmlDecode(sb.ToString());
        return UsfmMarker.Replace(text, "");
    }

    readonly record struct Tag(string Name, bool IsOpening, bool IsSelfClosing, bool IsCanonical);

    static Tag ParseTag(ReadOnlySpan<char> inner)
    {
        bool closing = inner.Length > 0 && inner[0] == '/';
        if (closing) inner = inner[1..];
        bool selfClosing = inner.Length > 0 && inner[^1] == '/';
        int end = 0;
        while (end < inner.Length && !char.IsWhiteSpace(inner[end]) && inner[end] != '/') end++;
        string name = inner[..end].ToString();
        bool canonical = inner.IndexOf("canonical=\"true\"".AsSpan()) >= 0;
        return new Tag(name, !closing, selfClosing, canonical);
    }

    /// <summary>Index just past the <c>&lt;/name&gt;</c> that closes an element opened before <paramref name="from"/> (nesting counted).</summary>
    static int SkipElement(string osis, int from, string name)
    {
        int depth = 1, i = from;
        while (depth > 0)
        {
            int open = osis.IndexOf('<', i);
            if (open < 0) return osis.Length;
            int close = osis.IndexOf('>', open);
            if (close < 0) return osis.Length;
            var tag = ParseTag(osis.AsSpan(open + 1, close - open - 1));
            if (tag.Name == name && !tag.IsSelfClosing) depth += tag.IsOpening ? 1 : -1;
            i = close + 1;
        }
        return i;
    }
}
