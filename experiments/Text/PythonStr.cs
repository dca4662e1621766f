using System.Globalization;
using System.Text;

namespace NativeDsp.Experiments.Text;

/// <summary>
/// Python 3's <c>str</c> methods that reference tools (BERT's tokenization.py, sacreBLEU) rely on, with
/// CPython's exact semantics, so that text is cut and cased here as it is there.
/// </summary>
/// <remarks>
/// CPython (Objects/unicodeobject.c, Objects/unicodectype.c): <c>str.isspace</c> is true for the characters of
/// bidirectional class WS, B or S and of category Zs, which is the fixed set in <see cref="IsSpace"/> (it
/// includes U+001C..U+001F, which .NET's <see cref="char.IsWhiteSpace(char)"/> does not, and not U+200B or
/// U+FEFF). <c>str.lower</c> applies the full lower-case mapping: the simple mapping of UnicodeData, the one
/// unconditional multi-character lower-case mapping of SpecialCasing (U+0130 -> "i\u0307") and the
/// language-independent Final_Sigma context rule for U+03A3; no other SpecialCasing rule is language-independent.
/// </remarks>
public static class PythonStr
{
    /// <summary>Python's <c>str.isspace()</c> for one code point.</summary>
    public static bool IsSpace(int codePoint) => codePoint switch
    {
        >= 0x09 and <= 0x0D or >= 0x1C and <= 0x20 or 0x85 or 0xA0 or 0x1680 or >= 0x2000 and <= 0x200A
            or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>Python's <c>str.split()</c> with no separator: runs of whitespace separate words; no empty words.</summary>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        int start = -1;
        for (int i = 0; i < text.Length; i++)
        {
            // Every Python whitespace character is in the BMP, so a UTF-16 unit test suffices (a surrogate is never space).
            if (IsSpace(text[i]))
            {
                if (start >= 0) words.Add(text[start..i]);
                start = -1;
            }
            else if (start < 0) start = i;
        }
        if (start >= 0) words.Add(text[start..]);
        return words;
    }

    /// <summary>Python's <c>str.strip()</c> with no argument.</summary>
    public static string Strip(string text)
    {
        int a = 0, b = text.Length;
        while (a < b && IsSpace(text[a])) a++;
        while (b > a && IsSpace(text[b - 1])) b--;
        return text[a..b];
    }

    /// <summary>Python's <c>str.rstrip()</c> with no argument.</summary>
    public static string RStrip(string text)
    {
        int b = text.Length;
        while (b > 0 && IsSpace(text[b - 1])) b--;
        return text[..b];
    }

    /// <summary>Python's <c>str.lower()</c>: full Unicode lower-case mapping, including Final_Sigma.</summary>
    public static string Lower(string text)
    {
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out int used) != System.Buffers.OperationStatus.Done)
            {
                sb.Append(text[i++]); // a lone surrogate: Python keeps it as it is
                continue;
            }
            switch (rune.Value)
            {
                case 0x0130: sb.Append("i\u0307"); break;
                case 0x03A3: sb.Append(IsFinalSigma(text, i) ? 'ς' : 'σ'); break;
                // Invariant mode keeps .NET's own simple case mapping tables (Unicode 16.0).
                default: sb.Append(Rune.ToLowerInvariant(rune).ToString()); break;
            }
            i += used;
        }
        return sb.ToString();
    }

    /// <summary>
    /// Unicode's Final_Sigma context as CPython tests it (handle_capital_sigma): a cased letter before, skipping
    /// case-ignorable characters, and no cased letter after, skipping case-ignorable characters.
    /// </summary>
    static bool IsFinalSigma(string text, int index)
    {
        int j = index;
        int before = -1;
        while (j > 0)
        {
            Rune.DecodeLastFromUtf16(text.AsSpan(0, j), out var r, out int used);
            j -= used;
            if (!UnicodeText.IsCaseIgnorable(r.Value)) { before = r.Value; break; }
        }
        if (before < 0 || !UnicodeText.IsCased(before)) return false;
        j = index + 1;
        while (j < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(j), out var r, out int used);
            if (!UnicodeText.IsCaseIgnorable(r.Value)) return !UnicodeText.IsCased(r.Value);
            j += used;
        }
        return true;
    }

    /// <summary>The general category of a code point (.NET's tables, Unicode 16.0; they are kept in invariant mode).</summary>
    public static UnicodeCategory Category(int codePoint) => CharUnicodeInfo.GetUnicodeCategory(codePoint);
}
