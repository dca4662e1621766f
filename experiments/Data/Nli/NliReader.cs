using System.Text.Json;
using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Nli;

/// <summary>The examples of one NLI file, and how many pairs had no gold label (SNLI/MNLI "-", or label -1).</summary>
public sealed record NliFile(string Path, List<NliExample> Examples, int WithoutGoldLabel);

/// <summary>
/// Reads NLI pairs from the files as released: SNLI 1.0 and MultiNLI 1.0 <c>.jsonl</c> (fields sentence1,
/// sentence2, gold_label; also premise/hypothesis/label as in Hugging Face exports) and their <c>.txt</c>
/// (tab-separated, header, gold_label first, always 14/15 fields), GLUE's <c>.tsv</c> for SNLI and MNLI
/// (train, dev_matched, dev_mismatched), and the generated set's own <c>.tsv</c>. Any of them may be gzipped;
/// the format comes from the extension (<c>.jsonl/.json</c>, <c>.txt/.tsv</c>), or from the first line when the
/// extension says nothing (a JSON object, or a tab-separated header).
/// </summary>
/// <remarks>
/// GLUE's SNLI and MNLI tsv files carry a varying number of annotator labels: the train header names one
/// (<c>... sentence1 sentence2 label1 gold_label</c>, 11 fields for SNLI, 12 for MNLI) while validated rows hold
/// five (<c>label1 .. label5 gold_label</c>, 15 fields for SNLI), so the gold label is the LAST field of each row,
/// as GLUE's and BERT's readers take it (<c>label = line[-1]</c>); the sentences are found by header name and
/// always come before the labels. Such rows are valid with 1 to 5 annotator labels. GLUE's test files have no
/// labels (GLUE scores them on its server) and are refused with that reason.
/// Pairs whose annotators did not agree (gold label "-") are skipped and counted (<see cref="NliFile.WithoutGoldLabel"/>),
/// as the SNLI and MNLI papers and the GLUE/BERT readers exclude them; malformed lines are reported as
/// <c>file:line: reason</c> through <see cref="BadLineLog"/>.
/// </remarks>
public static class NliReader
{
    static readonly string[] PremiseNames = ["sentence1", "premise"];
    static readonly string[] HypothesisNames = ["sentence2", "hypothesis"];
    static readonly string[] LabelNames = ["gold_label", "label"];
    static readonly string[] IdNames = ["pairID", "pairid", "id", "idx"];

    /// <summary>The examples of one NLI file in any of the formats above.</summary>
    /// <exception cref="DataInputException">The file is missing, empty, not UTF-8, of no known format, has no
    /// usable header, or a malformed line under <see cref="BadLinePolicy.Error"/> (file:line: reason).</exception>
    public static NliFile Read(string path, BadLineLog log)
    {
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".jsonl" or ".json" => ReadJsonLines(path, log),
            ".txt" or ".tsv" => ReadTsv(path, log),
            _ => SniffFirstLine(path) switch
            {
                '{' => ReadJsonLines(path, log),
                '\t' => ReadTsv(path, log),
                _ => throw new DataInputException($"{path}:1: unknown NLI file type (expected JSON lines or a tab-separated header with sentence1/sentence2 or premise/hypothesis; extensions .jsonl, .txt, .tsv, optionally .gz)"),
            },
        };
    }

    /// <summary>'{' when the first line is a JSON object, '\t' when it is tab-separated, '\0' otherwise.</summary>
    static char SniffFirstLine(string path)
    {
        string first = TextFiles.ReadLines(path).First().Text.TrimStart();
        return first.StartsWith('{') ? '{' : first.Contains('\t') ? '\t' : '\0';
    }

    static NliFile ReadJsonLines(string path, BadLineLog log)
    {
        var examples = new List<NliExample>();
        int noGold = 0;
        foreach (var (number, line) in TextFiles.ReadLines(path))
        {
            if (line.Trim().Length == 0) continue;
            JsonElement root;
            try
            {
                using var doc = JsonDocument.Parse(line);
                root = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                log.Report(path, number, $"bad JSON ({e.Message.Split('.')[0]})");
                continue;
            }
            if (root.ValueKind != JsonValueKind.Object)
            {
                log.Report(path, number, "expected a JSON object");
                continue;
            }
            string? premise = Field(root, PremiseNames), hypothesis = Field(root, HypothesisNames), label = Field(root, LabelNames);
            if (premise is null) log.Report(path, number, "missing field 'sentence1' (or 'premise')");
            else if (hypothesis is null) log.Report(path, number, "missing field 'sentence2' (or 'hypothesis')");
            else if (label is null) log.Report(path, number, "missing field 'gold_label' (or 'label')");
            else if (label is "-" or "-1") noGold++;
            else if (NliLabels.Parse(label) is not { } l) log.Report(path, number, $"unknown label '{label}'");
            else examples.Add(new NliExample(Field(root, IdNames) ?? $"{System.IO.Path.GetFileName(path)}:{number}", premise, hypothesis, l));
        }
        return new NliFile(path, examples, noGold);
    }

    static string? Field(JsonElement obj, string[] names)
    {
        foreach (var n in names)
            if (obj.TryGetProperty(n, out var v))
                return v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.Number => v.GetRawText(),
                    _ => null,
                };
        return null;
    }

    static NliFile ReadTsv(string path, BadLineLog log)
    {
        var examples = new List<NliExample>();
        int noGold = 0, premiseCol = -1, hypothesisCol = -1, labelCol = -1, idCol = -1, ruleCol = -1, editCol = -1;
        int minFields = 0, maxFields = 0;
        bool goldIsLast = false;
        foreach (var (number, line) in TextFiles.ReadLines(path))
        {
            var f = line.Split('\t');
            if (number == 1)
            {
                premiseCol = Column(f, PremiseNames);
                hypothesisCol = Column(f, HypothesisNames);
                labelCol = Column(f, LabelNames);
                idCol = Column(f, IdNames);
                ruleCol = Column(f, ["rule"]);
                editCol = Column(f, ["edit"]);
                if (premiseCol < 0 || hypothesisCol < 0)
                    throw new DataInputException($"{path}:1: header has no sentence1/premise and sentence2/hypothesis columns (got '{string.Join(' ', f.Take(8))}')");
                if (labelCol < 0)
                    throw new DataInputException(Column(f, ["genre", "captionID"]) >= 0
                        ? $"{path}:1: a GLUE test file: it has no labels (GLUE scores test sets on its server); use the dev file (dev_matched/dev_mismatched.tsv, or SNLI's dev.tsv) as the test split"
                        : $"{path}:1: header has no gold_label/label column; a file without labels cannot be used for training or evaluation");
                // GLUE's layout: annotator labels label1..labelK (K = 1..5) then gold_label, the last field of every row.
                int label1 = Column(f, ["label1"]);
                goldIsLast = label1 >= 0 && labelCol == f.Length - 1 && label1 == labelCol - 1 - CountAnnotatorColumns(f, label1)
                             && Math.Max(premiseCol, Math.Max(hypothesisCol, idCol)) < label1;
                (minFields, maxFields) = goldIsLast ? (label1 + 2, label1 + 6) : (f.Length, f.Length);
                continue;
            }
            if (line.Length == 0) continue;
            if (f.Length < minFields || f.Length > maxFields)
            {
                log.Report(path, number, goldIsLast
                    ? $"expected {minFields} to {maxFields} tab-separated fields (GLUE rows: 1 to 5 annotator labels, then the gold label), got {f.Length}"
                    : $"expected {minFields} tab-separated fields as in the header, got {f.Length}");
                continue;
            }
            string label = goldIsLast ? f[^1] : f[labelCol];
            if (label is "-" or "-1") noGold++;
            else if (f[premiseCol].Length == 0 || f[hypothesisCol].Length == 0) log.Report(path, number, "empty premise or hypothesis");
            else if (NliLabels.Parse(label) is not { } l) log.Report(path, number, $"unknown label '{label}'");
            else
            {
                examples.Add(new NliExample(idCol >= 0 ? f[idCol] : $"{System.IO.Path.GetFileName(path)}:{number}",
                    f[premiseCol], f[hypothesisCol], l, ruleCol >= 0 && !goldIsLast ? f[ruleCol] : "", editCol >= 0 && !goldIsLast ? f[editCol] : ""));
            }
        }
        return new NliFile(path, examples, noGold);
    }

    /// <summary>How many of label2..label5 follow label1 in a header.</summary>
    static int CountAnnotatorColumns(string[] header, int label1)
    {
        int k = 0;
        while (label1 + 1 + k < header.Length && string.Equals(header[label1 + 1 + k].Trim(), $"label{k + 2}", StringComparison.OrdinalIgnoreCase)) k++;
        return k;
    }

    static int Column(string[] header, string[] names)
    {
        foreach (var n in names)
        {
            int i = Array.FindIndex(header, h => string.Equals(h.Trim(), n, StringComparison.OrdinalIgnoreCase));
            if (i >= 0) return i;
        }
        return -1;
    }
}
