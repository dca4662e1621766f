using System.Globalization;
using System.Text;

namespace NativeDsp.Experiments.Tokenization;

/// <summary>
/// BERT's "basic tokenization" for uncased models: lower-case, strip accents (NFD, drop non-spacing
/// marks; see <see cref="Normalize"/>), split on whitespace and around every punctuation character. WordPiece vocabularies are
/// learned on words cut this way, because it is what <see cref="Microsoft.ML.Tokenizers.BertTokenizer"/>
/// does before its WordPiece step when it encodes.
/// </summary>
public static class BertPreTokenizer
{
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (char c in Normalize(text))
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                Flush();
                continue;
            }
            if (IsPunctuation(c))
            {
                Flush();
                words.Add(c.ToString());
                continue;
            }
            current.Append(c);
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0) words.Add(current.ToString());
            current.Clear();
        }
    }

    // The project runs with InvariantGlobalization, under which string.Normalize leaves non-ASCII text
    // unchanged, so BERT's "NFD, then drop non-spacing marks" is done by table for the Latin-1 letters
    // (the accented letters of Western European languages); combining marks are dropped wherever they are.
    const string Accented = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿ";
    const string Plain = "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyy";

    /// <summary>Lower case without accents, as BERT uncased sees text.</summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text.ToLowerInvariant())
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            int k = Accented.IndexOf(c);
            sb.Append(k >= 0 ? Plain[k] : c);
        }
        return sb.ToString();
    }

    /// <summary>BERT's definition: every non-alphanumeric ASCII symbol, and Unicode punctuation.</summary>
    public static bool IsPunctuation(char c) =>
        c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~'
        || char.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
}
