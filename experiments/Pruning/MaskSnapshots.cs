using System.Globalization;
using System.Text;
using NativeDsp.Model.Pruning;

namespace NativeDsp.Experiments.Pruning;

/// <summary>
/// The pruner's view of the heads every N steps (which heads the relaxation favours as training goes on),
/// kept in memory and written as a long-format CSV for plots: step, head, module, local, score, mask.
/// </summary>
public sealed class MaskSnapshots(IHeadPruner pruner)
{
    readonly List<(long Step, float[] Scores, float[] Mask)> rows = [];

    public int Count => rows.Count;

    public IReadOnlyList<(long Step, float[] Scores, float[] Mask)> Rows => rows;

    public void Take(long step) => rows.Add((step, pruner.Scores(), pruner.SnapshotMask(step)));

    public void WriteCsv(string path)
    {
        var sb = new StringBuilder("step,head,module,local,score,mask\n");
        foreach (var (step, scores, mask) in rows)
            for (int h = 0; h < scores.Length; h++)
            {
                var (g, local) = pruner.Index.Locate(h);
                sb.Append(CultureInfo.InvariantCulture, $"{step},{h},{g.Name},{local},{scores[h]:R},{mask[h]:R}\n");
            }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, sb.ToString());
    }
}
