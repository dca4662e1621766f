using System.Text.Json;
using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Nli;

/// <summary>The examples of one NLI file, and how many pairs had no gold label (SNLI/MNLI "-", or label -1).</summary>
public sealed record NliFile(string Path, List<NliExample> Examples, int WithoutGoldLabel);

/// <summary>
/// Reads NLI pairs from the formats users have: SNLI and MultiNLI <c>.jsonl</c> (fields sentence1,
/// sentence2, gold_label; also premise/hypothesis/label as in Hugging Face exports), their <c>.txt</c>
/// releases and GLUE's MNLI <c>.tsv</c> (tab-separated with a header; columns found by name), and the
/// generated set's own <c>.tsv.gz</c>. Any of them may be gzipped. Pairs whose annotators did not agree
/// (gold label "-") are left out, as in the SNLI and MNLI papers, and counted separately from malformed
/// lines; malformed lines are reported as <c>file:line: reason</c> through <see cref="BadLineLog"/>.
/// </summary>
public static class NliReader
{
    static readonly string[] PremiseNames = ["sentence1", "premise"];
    static readonly string[] HypothesisNames = ["sentence2", "hypothesis"];
    static readonly string[] LabelNames = ["gold_label", "label"];
    static readonly string[] IdNames = ["pairID", "pairid", "id", "idx"];

    public static NliFile Read(string path, BadLineLog log)
    {
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".jsonl" or ".json" => ReadJsonLines(path, log),
            ".txt" or ".tsv" => ReadTsv(path, log),
            _ => throw new DataInputException($"{path}: unknown NLI file type (expected .jsonl, .txt or .tsv, optionally .gz)"),
        };
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
        int noGold = 0, premiseCol = -1, hypothesisCol = -1, labelCol = -1, idCol = -1, ruleCol = -1, editCol = -1, fieldCount = 0;
        foreach (var (number, line) in TextFiles.ReadLines(path))
        {
            var f = line.Split('\t');
            if (number == 1)
            {
                fieldCount = f.Length;
                premiseCol = Column(f, PremiseNames);
                hypothesisCol = Column(f, HypothesisNames);
                labelCol = Column(f, LabelNames);
                idCol = Column(f, IdNames);
                ruleCol = Column(f, ["rule"]);
                editCol = Column(f, ["edit"]);
                if (premiseCol < 0 || hypothesisCol < 0)
                    throw new DataInputException($"{path}:1: header has no sentence1/premise and sentence2/hypothesis columns (got '{string.Join(' ', f.Take(8))}')");
                if (labelCol < 0)
                    throw new DataInputException($"{path}:1: header has no gold_label/label column; a test file without labels cannot be used for training or evaluation");
                continue;
            }
            if (line.Length == 0) continue;
            if (f.Length != fieldCount)
            {
                log.Report(path, number, $"expected {fieldCount} tab-separated fields as in the header, got {f.Length}");
                continue;
            }
            string label = f[labelCol];
            if (label is "-" or "-1") noGold++;
            else if (f[premiseCol].Length == 0 || f[hypothesisCol].Length == 0) log.Report(path, number, "empty premise or hypothesis");
            else if (NliLabels.Parse(label) is not { } l) log.Report(path, number, $"unknown label '{label}'");
            else
            {
                examples.Add(new NliExample(idCol >= 0 ? f[idCol] : $"{System.IO.Path.GetFileName(path)}:{number}",
                    f[premiseCol], f[hypothesisCol], l, ruleCol >= 0 ? f[ruleCol] : "", editCol >= 0 ? f[editCol] : ""));
            }
        }
        return new NliFile(path, examples, noGold);
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
