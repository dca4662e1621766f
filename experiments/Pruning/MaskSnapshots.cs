using CsvHelper;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Model.Pruning;

namespace NativeDsp.Experiments.Pruning;

/// <summary>
/// The pruner's view of the heads every N steps (which heads the relaxation favours as training goes on),
/// kept in memory and written as a long-format CSV for plots: step, head, module, local, score, mask.
/// </summary>
public sealed class MaskSnapshots(IHeadPruner pruner)
{
    readonly List<(long Step, float[] Scores, float[] Mask)> rows = [];

    /// <summary>The number of snapshots taken.</summary>
    public int Count => rows.Count;

    /// <summary>The snapshots in the order taken: the step, the pruner's score per head and its mask per head ([heads] each).</summary>
    public IReadOnlyList<(long Step, float[] Scores, float[] Mask)> Rows => rows;

    /// <summary>Records the pruner's scores and mask at <paramref name="step"/> (copies, read back to the host).</summary>
    public void Take(long step) => rows.Add((step, pruner.Scores(), pruner.SnapshotMask(step)));

    /// <summary>
    /// Writes every snapshot, one row per (step, head), to <paramref name="path"/> atomically (a temporary file
    /// renamed over it, <see cref="AtomicFile"/>): a killed run leaves the old file or the whole new one.
    /// Floats are written in their shortest round-trip form.
    /// </summary>
    /// <exception cref="IOException">The file or its directory cannot be written.</exception>
    public void WriteCsv(string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, leaveOpen: true);
            csv.WriteRecords(Records());
        });

    IEnumerable<SnapshotRow> Records()
    {
        foreach (var (step, scores, mask) in rows)
            for (int h = 0; h < scores.Length; h++)
            {
                var (group, local) = pruner.Index.Locate(h);
                yield return new SnapshotRow { Step = step, Head = h, Module = group.Name, Local = local, Score = scores[h], Mask = mask[h] };
            }
    }
}

/// <summary>One row of snapshots.csv: head <see cref="Head"/> (global id; <see cref="Local"/> within <see cref="Module"/>) at <see cref="Step"/>.</summary>
[CsvRecord]
public sealed partial class SnapshotRow
{
    /// <summary>The optimizer step the snapshot was taken after (0 = before training).</summary>
    [CsvColumn("step")] public long Step { get; set; }

    /// <summary>The head's id in the pruner's head index.</summary>
    [CsvColumn("head")] public int Head { get; set; }

    /// <summary>The attention module the head belongs to.</summary>
    [CsvColumn("module")] public string Module { get; set; } = "";

    /// <summary>The head's index within its module.</summary>
    [CsvColumn("local")] public int Local { get; set; }

    /// <summary>The pruner's score of the head (its logit, log-alpha or importance).</summary>
    [CsvColumn("score")] public float Score { get; set; }

    /// <summary>The head's mask value at this step.</summary>
    [CsvColumn("mask")] public float Mask { get; set; }
}
