using System.Globalization;
using System.Text;

namespace NativeDsp.Experiments.Results;

/// <summary>The verdict on one claim (or one comparison) under <see cref="ClaimsReport"/>'s decision rule.</summary>
public enum Verdict
{
    /// <summary>The paired interval lies above 0 (every comparison the claim needs).</summary>
    Supported,
    /// <summary>A paired interval lies below 0 (some comparison goes against the claim).</summary>
    NotSupported,
    /// <summary>Neither: an interval contains 0, or fewer than 2 paired seeds.</summary>
    Inconclusive,
}

/// <summary>
/// The paper's claims (Li, Cotterell &amp; Sachan 2021) checked against a results.csv, as markdown: DSP &gt;= each
/// baseline at every K (joint and pipelined), exact K, and Michel degrading fastest at high sparsity. Decision rule:
/// for a comparison A - B at one K, the 95% t interval of the per-seed differences (seeds both have) decides:
/// supported if it lies above 0, not supported if it lies below 0, inconclusive otherwise (or with fewer than 2
/// seeds). A claim over several comparisons is supported when all are, not supported when any is not, else
/// inconclusive. No correction for multiple comparisons.
/// </summary>
public static class ClaimsReport
{
    static readonly string[] Baselines = ["ste", "voita", "michel"];

    /// <summary>The markdown report of every (task, preset) in <paramref name="rows"/>.</summary>
    public static string Format(IReadOnlyList<ResultRow> rows, string source)
    {
        // The paper's claims are about K heads; unit runs (budgets in parameters) are summarised by UnitSummaryTable.
        rows = rows.Where(r => !r.IsUnitRun).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# The paper's claims against {source}");
        text.AppendLine();
        text.AppendLine("Decision rule: for A - B at one K, the 95% confidence interval (Student t, n - 1 degrees of freedom) of the per-seed " +
                        "differences over the seeds both methods have decides: **supported** if it lies above 0, **not supported** if it lies " +
                        "below 0, **inconclusive** otherwise or with fewer than 2 paired seeds. A claim over several K (or baselines) is supported " +
                        "when every comparison is, not supported when any is not, inconclusive otherwise. No correction for multiple comparisons.");
        foreach (var group in rows.Where(r => !r.PerLayer).GroupBy(r => (r.Task, r.Preset)).OrderBy(g => g.Key.Task))
        {
            var inGroup = group.ToList();
            string metric = inGroup[0].Metric;
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## {group.Key.Task}, preset {group.Key.Preset} ({metric})");
            text.AppendLine();
            text.AppendLine("| claim | setting | verdict | what decides it |");
            text.AppendLine("|---|---|---|---|");
            var details = new List<string>();
            foreach (var setting in new[] { "joint", "pipelined" })
            {
                var inSetting = inGroup.Where(r => r.Setting == setting).ToList();
                if (!inSetting.Any(r => r.Method == "dsp")) continue;
                foreach (var baseline in Baselines)
                {
                    var comparisons = Comparisons(inSetting, "dsp", baseline).ToList();
                    if (comparisons.Count == 0) continue;
                    var verdict = Combine(comparisons.Select(c => c.Verdict));
                    text.AppendLine(CultureInfo.InvariantCulture,
                        $"| DSP >= {baseline} at every K | {setting} | {Text(verdict)} | {string.Join("; ", comparisons.Select(c => $"K={c.K}: {Difference(c.Difference, metric)}"))} |");
                    foreach (var c in comparisons)
                        details.Add($"| {setting} | {baseline} | {c.K} | {c.Difference?.N ?? 0} | {Mean(c.A, metric)} | {Mean(c.B, metric)} | {Difference(c.Difference, metric)} | {Text(c.Verdict)} |");
                }
            }
            text.AppendLine(ExactK(inGroup));
            text.AppendLine(MichelFastest(inGroup.Where(r => r.Setting == "pipelined").ToList(), metric));
            if (details.Count > 0)
            {
                text.AppendLine();
                text.AppendLine("DSP minus each baseline, per K (paired over seeds; mean ± 95% CI half-width of each method alone):");
                text.AppendLine();
                text.AppendLine("| setting | baseline | K | paired seeds | DSP | baseline | DSP - baseline [95% CI] | verdict |");
                text.AppendLine("|---|---|---|---|---|---|---|---|");
                foreach (var line in details) text.AppendLine(line);
            }
        }
        return text.ToString();
    }

    /// <summary>One comparison A - B at one K: each method's interval, the paired difference and its verdict.</summary>
    /// <param name="K">Heads kept.</param>
    /// <param name="A">Method A's mean and interval over its seeds.</param>
    /// <param name="B">Method B's mean and interval over its seeds.</param>
    /// <param name="Difference">The paired difference A - B over the shared seeds (null when none is shared).</param>
    /// <param name="Verdict">What <see cref="Decide"/> makes of it.</param>
    public sealed record Comparison(int K, MeanInterval A, MeanInterval B, MeanInterval? Difference, Verdict Verdict);

    /// <summary>A - B at every K where both have rows in <paramref name="rows"/> (one setting), in K order.</summary>
    public static IEnumerable<Comparison> Comparisons(IReadOnlyList<ResultRow> rows, string a, string b)
    {
        var ks = rows.Where(r => r.Method == a).Select(r => r.HeadsKept).Intersect(rows.Where(r => r.Method == b).Select(r => r.HeadsKept)).Order();
        foreach (int k in ks)
        {
            var va = BySeed(rows, a, k);
            var vb = BySeed(rows, b, k);
            var diff = SeedStatistics.PairedDifference(va, vb);
            yield return new Comparison(k, SeedStatistics.Interval(va.Values.ToList()), SeedStatistics.Interval(vb.Values.ToList()), diff, Decide(diff));
        }
    }

    /// <summary>Supported if the interval lies above 0, not supported if below, inconclusive otherwise (or without an interval).</summary>
    public static Verdict Decide(MeanInterval? difference) => difference switch
    {
        { HasInterval: true, Low: > 0 } => Verdict.Supported,
        { HasInterval: true, High: < 0 } => Verdict.NotSupported,
        _ => Verdict.Inconclusive,
    };

    /// <summary>All supported: supported; any not supported: not supported; else inconclusive.</summary>
    public static Verdict Combine(IEnumerable<Verdict> verdicts)
    {
        var list = verdicts.ToList();
        if (list.Count > 0 && list.All(v => v == Verdict.Supported)) return Verdict.Supported;
        return list.Contains(Verdict.NotSupported) ? Verdict.NotSupported : Verdict.Inconclusive;
    }

    /// <summary>"supported", "not supported", "inconclusive".</summary>
    public static string Text(Verdict verdict) => verdict switch
    {
        Verdict.Supported => "supported",
        Verdict.NotSupported => "not supported",
        _ => "inconclusive",
    };

    static Dictionary<int, double> BySeed(IReadOnlyList<ResultRow> rows, string method, int k) =>
        rows.Where(r => r.Method == method && r.HeadsKept == k).GroupBy(r => r.Seed).ToDictionary(g => g.Key, g => g.First().Value);

    /// <summary>
    /// Exact K: every DSP row keeps as many heads as its K (the modules' kept heads add up to it, and the K is one
    /// the other methods were run at); Voita's gates, where the row records them, reach K only indirectly.
    /// </summary>
    static string ExactK(IReadOnlyList<ResultRow> rows)
    {
        var dsp = rows.Where(r => r.Method == "dsp").ToList();
        var ks = rows.Where(r => r.Method is not ("dsp" or "none")).Select(r => r.HeadsKept).ToHashSet();
        int exact = dsp.Count(r => r.KeptModules().Sum(m => m.Kept) == r.HeadsKept && (ks.Count == 0 || ks.Contains(r.HeadsKept)));
        var verdict = dsp.Count == 0 ? Verdict.Inconclusive : exact == dsp.Count ? Verdict.Supported : Verdict.NotSupported;
        var voita = rows.Where(r => r.Method == "voita" && r.HeadsReached is not null).ToList();
        string voitaText = voita.Count == 0
            ? "Voita's gates: not recorded in these rows (files older than the heads_reached column)"
            : string.Create(CultureInfo.InvariantCulture,
                $"Voita's gates (gate > 0.5) reached K in {voita.Count(r => r.HeadsReached == r.HeadsKept)} of {voita.Count} rows, mean |reached - K| = " +
                $"{voita.Average(r => Math.Abs(r.HeadsReached!.Value - r.HeadsKept)):0.0} heads (its rows keep the top-K gates)");
        return $"| exact K | both | {Text(verdict)} | DSP kept exactly K heads in {exact} of {dsp.Count} rows; {voitaText} |";
    }

    /// <summary>
    /// Michel degrades fastest at high sparsity: at the smallest K of the pipelined runs, every other method minus
    /// Michel, paired over seeds, lies above 0.
    /// </summary>
    static string MichelFastest(IReadOnlyList<ResultRow> pipelined, string metric)
    {
        var michelKs = pipelined.Where(r => r.Method == "michel").Select(r => r.HeadsKept).ToList();
        if (michelKs.Count == 0) return "| Michel degrades fastest at high sparsity | pipelined | inconclusive | no Michel rows |";
        int k = michelKs.Min();
        var others = new[] { "dsp", "ste", "voita" }
            .SelectMany(m => Comparisons(pipelined.Where(r => r.HeadsKept == k).ToList(), m, "michel").Select(c => (Method: m, c))).ToList();
        var verdict = Combine(others.Select(o => o.c.Verdict));
        string none = pipelined.Any(r => r.Method == "none")
            ? $"; all heads {Mean(SeedStatistics.Interval(pipelined.Where(r => r.Method == "none").Select(r => r.Value).ToList()), metric)}, Michel {Mean(others.FirstOrDefault().c?.B, metric)}"
            : "";
        return $"| Michel degrades fastest at high sparsity (lowest at the smallest K = {k}) | pipelined | {Text(verdict)} | " +
               $"{string.Join("; ", others.Select(o => $"{o.Method} - michel: {Difference(o.c.Difference, metric)}"))}{none} |";
    }

    static string Format(double value, string metric) => value.ToString(metric == "accuracy" ? "0.000" : "0.00", CultureInfo.InvariantCulture);

    /// <summary>"0.577 ± 0.055 (n=3)", or "0.612 (n=1)".</summary>
    static string Mean(MeanInterval? m, string metric) => m is null ? "-"
        : m.HasInterval ? $"{Format(m.Mean, metric)} ± {Format(m.HalfWidth, metric)} (n={m.N})" : $"{Format(m.Mean, metric)} (n=1)";

    /// <summary>"+0.032 [0.004, 0.060]", or "+0.032 (n=1, no interval)".</summary>
    static string Difference(MeanInterval? d, string metric)
    {
        if (d is null) return "no shared seed";
        string mean = (d.Mean >= 0 ? "+" : "") + Format(d.Mean, metric);
        return d.HasInterval ? $"{mean} [{Format(d.Low, metric)}, {Format(d.High, metric)}]" : $"{mean} (n=1, no interval)";
    }
}
