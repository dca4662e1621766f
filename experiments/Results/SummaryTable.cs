using System.Globalization;
using System.Text;
using NativeDsp.Experiments.Plots;

namespace NativeDsp.Experiments.Results;

/// <summary>
/// The method x K table printed at the end of a sweep: per setting, the mean metric over seeds ± the half-width of
/// its 95% Student-t confidence interval (<see cref="SeedStatistics"/>) when there are several seeds, and the number
/// of seeds, with the unpruned model ("none") in the "all" column.
/// </summary>
public static class SummaryTable
{
    /// <summary>The tables of every (task, preset, per-layer) group in <paramref name="rows"/>, one per setting.</summary>
    public static string Format(IReadOnlyList<ResultRow> rows)
    {
        var text = new StringBuilder();
        // Unit runs (budgets in parameters) get their own table after the head tables.
        var unitRuns = rows.Where(r => r.IsUnitRun).ToList();
        rows = rows.Where(r => !r.IsUnitRun).ToList();
        foreach (var group in rows.GroupBy(r => (r.Task, r.Preset, r.PerLayer)).OrderBy(g => g.Key.Task))
        {
            // The unpruned rows of a unit sweep are its table's last line, not a head table of their own.
            if (group.All(r => r.Method == "none") && unitRuns.Any(u => u.Task == group.Key.Task && u.Preset == group.Key.Preset)) continue;
            var ks = group.Where(r => r.Method != "none").Select(r => r.HeadsKept).Distinct().Order().ToList();
            int total = group.Max(r => r.HeadsTotal);
            string metric = group.First().Metric;
            foreach (var setting in group.Select(r => r.Setting).Distinct().OrderBy(s => s == "joint" ? 0 : 1))
            {
                var inSetting = group.Where(r => r.Setting == setting).ToList();
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"{group.Key.Task} {setting} (preset {group.Key.Preset}{(group.Key.PerLayer ? ", per layer" : "")}): {metric}, mean ± 95% CI half-width (t) over seeds, (n) seeds, by heads kept of {total}");
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
        if (unitRuns.Count > 0) text.Append(UnitSummaryTable.Format(unitRuns.Concat(rows.Where(r => r.Method == "none")).ToList()));
        return text.ToString();
    }

    /// <summary>"mean±half (n)" of the runs' metric, "mean (1)" for one seed, "-" for none.</summary>
    public static string Cell(IReadOnlyList<ResultRow> runs, string metric)
    {
        if (runs.Count == 0) return "-";
        var interval = SeedStatistics.Interval(runs.Select(r => r.Value).ToList());
        string format = metric == "accuracy" ? "0.000" : "0.00";
        string mean = interval.Mean.ToString(format, CultureInfo.InvariantCulture);
        return interval.HasInterval
            ? $"{mean}±{interval.HalfWidth.ToString(format, CultureInfo.InvariantCulture)} ({interval.N})"
            : $"{mean} (1)";
    }
}
