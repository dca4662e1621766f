using System.Globalization;
using System.Text;

namespace NativeDsp.GpuCheck;

/// <summary>
/// Joins our timings with PyTorch's into the report: a markdown table (printed last by run.sh) and a CSV of
/// the raw numbers. Speed against the peer is torch ms / our ms (above 1: we are faster); the fp32 peak and
/// the copy bandwidth are the H200's of <see cref="CheckPlan"/>, so on any other device those columns are only
/// ratios to an H200.
/// </summary>
public static class ResultsTable
{
    /// <summary>Builds (markdown, csv). <paramref name="missingPeers"/> says why <paramref name="peers"/> is null.</summary>
    public static (string Markdown, string Csv) Build(TimingFile ours, PeerFile? peers, string? missingPeers)
    {
        var byKey = peers?.Cases.ToDictionary(c => c.Key) ?? [];
        var md = new StringBuilder();
        md.AppendLine($"# NativeDsp GPU check: timings{(ours.Tiny ? " (TINY dry-run shapes: not a benchmark)" : "")}");
        md.AppendLine();
        md.AppendLine($"- ours: {ours.Device}");
        md.AppendLine($"- peer: {(peers is null ? missingPeers : peers.Skipped is { } why ? $"skipped: {why}" : $"PyTorch {peers.Torch}")}");
        md.AppendLine($"- medians of synchronised wall-clock times, warm-up excluded; peak {CheckPlan.PeakTflops} TFLOP/s fp32, {CheckPlan.CopyTerabytesPerSecond} TB/s (H200)");
        md.AppendLine();
        md.AppendLine("| case | ours ms | torch ms | torch/ours | ours TFLOP/s | % fp32 peak | floor ms | ours/floor | note |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        var csv = new StringBuilder("key,kind,ours_ms,torch_ms,flops,bytes,repeats,floor_ms,ours_note,torch_note\n");
        foreach (var c in ours.Cases)
        {
            var peer = byKey.GetValueOrDefault(c.Key);
            double floor = FloorMs(c.Flops, c.Bytes);
            string tflops = c.Milliseconds is { } ms && c.Flops > 0 ? F(c.Flops / (ms * 1e-3) / 1e12, 3) : "-";
            string peak = c.Milliseconds is { } ms2 && c.Flops > 0 ? F(100 * c.Flops / (ms2 * 1e-3) / (CheckPlan.PeakTflops * 1e12), 1) : "-";
            string ratio = c.Milliseconds is { } a && peer?.Milliseconds is { } b ? F(b / a, 2) : "-";
            // A skipped peer is said once, above the table.
            string note = string.Join("; ", new[] { c.Note, peer is null || peers?.Skipped is not null ? "" : "torch: " + peer.Note }.Where(s => s.Length > 0));
            md.AppendLine($"| {c.Key} | {Ms(c.Milliseconds)} | {Ms(peer?.Milliseconds)} | {ratio} | {tflops} | {peak} | {F(floor, 4)} | " +
                          $"{(c.Milliseconds is { } m3 ? F(m3 / floor, 1) : "-")} | {note.Replace("|", "/")} |");
            csv.AppendLine(string.Join(",", new[]
            {
                c.Key, c.Kind, Raw(c.Milliseconds), Raw(peer?.Milliseconds), Raw(c.Flops), Raw(c.Bytes), c.Repeats.ToString(CultureInfo.InvariantCulture),
                Raw(floor), c.Note, peer?.Note ?? "",
            }.Select(GpuCheckApp.Csv)));
        }
        return (md.ToString(), csv.ToString());
    }

    /// <summary>The roofline floor: the larger of FLOPs at the fp32 peak and bytes at the copy bandwidth, ms.</summary>
    public static double FloorMs(double flops, double bytes) =>
        1e3 * Math.Max(flops / (CheckPlan.PeakTflops * 1e12), bytes / (CheckPlan.CopyTerabytesPerSecond * 1e12));

    static string Ms(double? ms) => ms is { } v ? F(v, v < 1 ? 4 : 2) : "-";
    static string F(double v, int digits) => v.ToString("F" + digits, CultureInfo.InvariantCulture);
    static string Raw(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
}
