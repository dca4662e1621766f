using System.Buffers;
using System.Globalization;
using System.Text;
using NativeDsp.Experiments.Text;

namespace NativeDsp.Experiments.Tokenization;

/// <summary>
/// BERT's "basic tokenization" for uncased models, exactly as google-research/bert tokenization.py
/// (<c>BasicTokenizer(do_lower_case=True)</c>; Hugging Face's Python <c>BasicTokenizer</c> is the same up to an
/// NFC pass, which changes nothing once text is decomposed and stripped) does it, for all of Unicode:
/// <list type="number">
/// <item>delete U+0000, U+FFFD and every character of category C* except <c>\t \n \r</c>; map those three and
///   every Zs character to a space;</item>
/// <item>put spaces around CJK ideographs (the reference's fixed block list, astral blocks included);</item>
/// <item>split on Python's whitespace; lower-case each word with Python's <c>str.lower()</c>; NFD and drop Mn
///   (accents of every script: Latin, Greek tonos, Hangul syllables become their jamo);</item>
/// <item>split around punctuation: ASCII non-alphanumerics and category P*. Symbols (S*) stay inside words,
///   other numbers (No) too.</item>
/// </list>
/// WordPiece vocabularies are learned on words cut this way, and <see cref="WordPieceSubwordTokenizer"/> encodes
/// them. Microsoft.ML.Tokenizers 2.0.1's own basic tokenisation differs (it drops symbols and deletes
/// <c>\t\n\r</c>, so words glue together), which is why it is done here.
/// </summary>
public static class BertPreTokenizer
{
    /// <summary>The words (basic tokens) of a text, lower-cased and without accents.</summary>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        foreach (string word in PythonStr.Split(CleanAndSpaceCjk(text)))
            SplitOnPunctuation(StripAccents(PythonStr.Lower(word)), words);
        return words;
    }

    /// <summary>The reference's <c>_clean_text</c> then <c>_tokenize_chinese_chars</c>.</summary>
    static string CleanAndSpaceCjk(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        int i = 0;
        while (i < text.Length)
        {
            int cp, used;
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out used) == OperationStatus.Done) cp = rune.Value;
            else cp = text[i]; // a lone surrogate (category Cs): deleted below like every C* character
            i += used;
            if (cp == 0 || cp == 0xFFFD || IsControl(cp)) continue;
            if (IsWhitespace(cp)) sb.Append(' ');
            else if (IsCjkIdeograph(cp)) sb.Append(' ').Append(char.ConvertFromUtf32(cp)).Append(' ');
            else sb.Append(text, i - used, used);
        }
        return sb.ToString();
    }

    static bool IsWhitespace(int cp) => cp is ' ' or '\t' or '\n' or '\r' || PythonStr.Category(cp) == UnicodeCategory.SpaceSeparator;

    static bool IsControl(int cp) => cp is not ('\t' or '\n' or '\r') && PythonStr.Category(cp) is UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    /// <summary>The reference's <c>_is_chinese_char</c>: the CJK Unified Ideographs blocks, their extensions A-E and the compatibility ideographs.</summary>
    public static bool IsCjkIdeograph(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;

    /// <summary>The reference's <c>_run_strip_accents</c>: NFD, then drop every non-spacing mark (Mn).</summary>
    static string StripAccents(string word)
    {
        string nfd = UnicodeText.Nfd(word);
        var sb = new StringBuilder(nfd.Length);
        foreach (var rune in nfd.EnumerateRunes())
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark) sb.Append(rune.ToString());
        return sb.ToString();
    }

    static void SplitOnPunctuation(string word, List<string> words)
    {
        int start = 0, i = 0;
        while (i < word.Length)
        {
            Rune.DecodeFromUtf16(word.AsSpan(i), out var rune, out int used);
            if (IsPunctuation(rune.Value))
            {
                if (i > start) words.Add(word[start..i]);
                words.Add(word.Substring(i, used));
                start = i + used;
            }
            i += used;
        }
        if (word.Length > start) words.Add(word[start..]);
    }

    /// <summary>The reference's <c>_is_punctuation</c>: every non-alphanumeric ASCII character, and category P*.</summary>
    public static bool IsPunctuation(int cp) =>
        cp is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~'
        || PythonStr.Category(cp) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
}
