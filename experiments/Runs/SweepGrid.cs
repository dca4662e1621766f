using NativeDsp.Model.Pruning;
using NativeDsp.Experiments.Pruning;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The runs of a sweep in a fixed order (setting, seed, method, K), so that every process computes the same
/// list: pipelined runs of one seed come together (its model is trained once), and "none" is one run per
/// setting and seed at K = all heads. <see cref="Shard"/> keeps rows i-1, i-1+n, ... of it.
/// </summary>
public static class SweepGrid
{
    public static List<RunSpec> Build(string task, string preset, IReadOnlyList<PruningSetting> settings, IReadOnlyList<PruningMethod> methods,
                                      IReadOnlyList<int> heads, IReadOnlyList<int> seeds, bool perLayer, int totalHeads)
    {
        var runs = new List<RunSpec>();
        foreach (var setting in settings)
        {
            foreach (int seed in seeds)
                foreach (var method in methods)
                {
                    if (!RunSpec.IsValid(method, setting)) continue;
                    if (method == PruningMethod.None)
                    {
                        runs.Add(new RunSpec(task, setting, method, totalHeads, false, seed, preset));
                        continue;
                    }
                    foreach (int k in heads) runs.Add(new RunSpec(task, setting, method, k, perLayer, seed, preset));
                }
        }
        return runs;
    }

    /// <summary>Rows whose position p satisfies p mod n == i - 1 (i is 1-based, as Slurm array ids and GNU parallel slots).</summary>
    public static List<RunSpec> Shard(IReadOnlyList<RunSpec> runs, int i, int n)
    {
        if (n < 1 || i < 1 || i > n) throw new ArgumentException($"--shard {i}/{n}: needs 1 <= i <= n");
        return runs.Where((_, p) => p % n == i - 1).ToList();
    }

    /// <summary>Parses "i/n".</summary>
    public static (int Index, int Count) ParseShard(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int i) || !int.TryParse(parts[1], out int n) || n < 1 || i < 1 || i > n)
            throw new ArgumentException($"--shard must be i/n with 1 <= i <= n, got '{text}'");
        return (i, n);
    }
}
