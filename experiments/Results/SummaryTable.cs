using System.Globalization;
using System.Text;
using NativeDsp.Experiments.Plots;

namespace NativeDsp.Experiments.Results;

/// <summary>
/// The method x K table printed at the end of a sweep: per setting, the mean metric over seeds (and the
/// standard deviation when there are several), with the unpruned model ("none") in the "all" column.
/// </summary>
public static class SummaryTable
{
    public static string Format(IReadOnlyList<ResultRow> rows)
    {
        var text = new StringBuilder();
        foreach (var group in rows.GroupBy(r => (r.Task, r.Preset, r.PerLayer)).OrderBy(g => g.Key.Task))
        {
            var ks = group.Where(r => r.Method != "none").Select(r => r.HeadsKept).Distinct().Order().ToList();
            int total = group.Max(r => r.HeadsTotal);
            string metric = group.First().Metric;
            foreach (var setting in group.Select(r => r.Setting).Distinct().OrderBy(s => s == "joint" ? 0 : 1))
            {
                var inSetting = group.Where(r => r.Setting == setting).ToList();
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"{group.Key.Task} {setting} (preset {group.Key.Preset}{(group.Key.PerLayer ? ", per layer" : "")}): {metric}, mean ± std over seeds, by heads kept of {total}");
                var header = new List<string> { "method" };
                header.AddRange(ks.Select(k => $"K={k}"));
                header.Add("all");
                var table = new List<List<string>> { header };
                foreach (var method in inSetting.Select(r => r.Method).Distinct().OrderBy(QualityPlot.MethodOrder))
                {
                    var line = new List<string> { method };
                    foreach (int k in ks) line.Add(Cell(inSetting.Where(r => r.Method == method && r.HeadsKept == k && method != "none").ToList(), metric));
                    line.Add(Cell(inSetting.Where(r => r.Method == method && method == "none").ToList(), metric));
                    table.Add(line);
                }
                var widths = Enumerable.Range(0, header.Count).Select(c => table.Max(r => r[c].Length)).ToArray();
                foreach (var line in table)
                    text.AppendLine(string.Join("  ", line.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    static string Cell(IReadOnlyList<ResultRow> runs, string metric)
    {
        if (runs.Count == 0) return "-";
        var values = runs.Select(r => r.Value).ToList();
        string format = metric == "accuracy" ? "0.000" : "0.00";
        string mean = values.Average().ToString(format, CultureInfo.InvariantCulture);
        return values.Count < 2 ? mean : $"{mean}±{QualityPlot.StandardDeviation(values).ToString(format, CultureInfo.InvariantCulture)}";
    }
}
