using System.Text.RegularExpressions;
using NativeDsp.Experiments.Text;

namespace NativeDsp.Experiments.Metrics;

/// <summary>
/// sacreBLEU's default tokenizer "13a" (the one of Moses' mteval-v13a.pl): unescape a few HTML entities,
/// then put spaces around punctuation and symbols, around . and , unless they sit between digits, and
/// after a dash that follows a digit. Ported rule for rule (same regular expressions, same order) so that
/// scores match sacreBLEU's. The final "one space between words" is Python's <c>' '.join(line.strip().split())</c>,
/// so every Python whitespace character (U+001C..U+001F included) separates words.
/// </summary>
public static class Tokenizer13a
{
    static readonly (Regex Pattern, string Replacement)[] Rules =
    [
        (new Regex(@"([\{-\~\[-\` -\&\(-\+\:-\@\/])", RegexOptions.CultureInvariant), " $1 "),
        (new Regex(@"([^0-9])([\.,])", RegexOptions.CultureInvariant), "$1 $2 "),
        (new Regex(@"([\.,])([^0-9])", RegexOptions.CultureInvariant), " $1 $2"),
        (new Regex(@"([0-9])(-)", RegexOptions.CultureInvariant), "$1 $2 "),
    ];

    public static string Tokenize(string line)
    {
        line = line.Replace("<skipped>", "").Replace("-\n", "").Replace("\n", " ");
        if (line.Contains('&'))
            line = line.Replace("&quot;", "\"").Replace("&amp;", "&").Replace("&lt;", "<").Replace("&gt;", ">");
        line = $" {line} ";
        foreach (var (pattern, replacement) in Rules) line = pattern.Replace(line, replacement);
        return string.Join(' ', PythonStr.Split(line));
    }
}
