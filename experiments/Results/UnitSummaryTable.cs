using System.Globalization;
using System.Text;

namespace NativeDsp.Experiments.Results;

/// <summary>
/// The table of unit runs (budgets in parameters) printed by sweep, plot and report: per (task, preset), one line per
/// series (the method, with its units when not heads only) and one column per budget, each cell the metric's mean ±
/// 95% CI half-width over seeds (n), the mean parameters of the physically pruned model (millions) and the mean
/// measured forward speed-up (x full / pruned; "x?" when untimed). The unpruned model ("none") is the last line.
/// </summary>
public static class UnitSummaryTable
{
    /// <summary>The tables of the unit runs in <paramref name="rows"/> (other rows but "none" are ignored).</summary>
    public static string Format(IReadOnlyList<ResultRow> rows)
    {
        var text = new StringBuilder();
        foreach (var group in rows.Where(r => r.IsUnitRun).GroupBy(r => (r.Task, r.Preset)).OrderBy(g => g.Key.Task))
        {
            string metric = group.First().Metric;
            var budgets = group.Select(r => r.Budget ?? "").Distinct().OrderBy(BudgetOrder).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{group.Key.Task} unit runs (preset {group.Key.Preset}): {metric} mean ± 95% CI half-width (t) over seeds (n); parameters of the pruned model (M); measured forward speed-up");
            var table = new List<List<string>> { new List<string> { "series", "setting" }.Concat(budgets).ToList() };
            foreach (var series in group.GroupBy(r => r.Series).OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var line = new List<string> { series.Key, series.First().Setting };
                foreach (string budget in budgets)
                {
                    var runs = series.Where(r => (r.Budget ?? "") == budget).ToList();
                    line.Add(runs.Count == 0 ? "-" : $"{SummaryTable.Cell(runs, metric)} {runs.Average(r => r.ParamsPruned) / 1e6:0.00}M " +
                                                      (runs.All(r => r.Speedup is not null) ? $"x{runs.Average(r => r.Speedup!.Value):0.00}" : "x?"));
                }
                table.Add(line);
            }
            var none = rows.Where(r => r.Method == "none" && r.Task == group.Key.Task && r.Preset == group.Key.Preset).ToList();
            if (none.Count > 0)
                table.Add(new List<string> { "none", none[0].Setting, $"{SummaryTable.Cell(none, metric)} {none.Average(r => r.ParamsPruned) / 1e6:0.00}M x1" }
                    .Concat(Enumerable.Repeat("", budgets.Count - 1)).ToList());
            var widths = Enumerable.Range(0, table[0].Count).Select(c => table.Max(r => r[c].Length)).ToArray();
            foreach (var line in table)
                text.AppendLine(string.Join("  ", line.Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>Budgets in order of the number they state ("params_fraction=0.25" before "=0.5"), then by text.</summary>
    static double BudgetOrder(string budget) =>
        double.TryParse(budget[(budget.IndexOf('=') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.MaxValue;
}
