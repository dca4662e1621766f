using NativeDsp.Experiments.Pruning;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The runs of a sweep in a fixed order (setting, seed, method, K), so that every process computes the same
/// list: pipelined runs of one seed come together (its model is trained once), and "none" is one run per
/// setting and seed at K = all heads. <see cref="Shard"/> keeps rows i-1, i-1+n, ... of it.
/// </summary>
public static class SweepGrid
{
    /// <summary>The grid with the same K values in every setting.</summary>
    public static List<RunSpec> Build(string task, string preset, IReadOnlyList<PruningSetting> settings, IReadOnlyList<PruningMethod> methods,
                                      IReadOnlyList<int> heads, IReadOnlyList<int> seeds, bool perLayer, int totalHeads) =>
        Build(task, preset, settings, methods, _ => heads, seeds, perLayer, totalHeads);

    /// <summary>The grid with the K values <paramref name="heads"/> gives each setting (a preset's joint grid is shorter: each joint K is a full training run).</summary>
    public static List<RunSpec> Build(string task, string preset, IReadOnlyList<PruningSetting> settings, IReadOnlyList<PruningMethod> methods,
                                      Func<PruningSetting, IReadOnlyList<int>> heads, IReadOnlyList<int> seeds, bool perLayer, int totalHeads)
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
                    foreach (int k in heads(setting)) runs.Add(new RunSpec(task, setting, method, k, perLayer, seed, preset));
                }
        }
        return runs;
    }

    /// <summary>
    /// A unit sweep: for each seed, each method in each of the settings <paramref name="settings"/> gives it, at each of
    /// its unit sets (<paramref name="units"/>, filtered by <see cref="PrunerFactory.Supports"/>) and each parameter budget
    /// (fractions of the prunable units' parameters); "none" is one head row per seed (the unpruned model) in the first
    /// setting it is given.
    /// </summary>
    public static List<RunSpec> BuildUnits(string task, string preset, IReadOnlyList<PruningMethod> methods, Func<PruningMethod, IReadOnlyList<UnitKinds>> units,
                                           Func<PruningMethod, IReadOnlyList<PruningSetting>> settings, IReadOnlyList<double> fractions, IReadOnlyList<int> seeds, int totalHeads)
    {
        var runs = new List<RunSpec>();
        foreach (int seed in seeds)
            foreach (var method in methods)
            {
                if (method == PruningMethod.None)
                {
                    runs.Add(new RunSpec(task, settings(method)[0], method, totalHeads, false, seed, preset));
                    continue;
                }
                foreach (var setting in settings(method))
                    foreach (var kinds in units(method).Where(k => PrunerFactory.Supports(method, k)))
                        foreach (double f in fractions)
                            runs.Add(new RunSpec(task, setting, method, 0, false, seed, preset, kinds, new ParameterBudget(f, true)));
            }
        return runs;
    }

    /// <summary>
    /// The settings a unit sweep runs a method in: with --settings, every chosen one the method has (in the given order;
    /// pipelined first for none, whose one row is the unpruned model), possibly none; else <see cref="UnitSetting"/>.
    /// </summary>
    public static IReadOnlyList<PruningSetting> UnitSettings(PruningMethod method, IReadOnlyList<PruningSetting>? chosen)
    {
        if (chosen is null) return [UnitSetting(method)];
        var valid = chosen.Where(s => PrunerFactory.Settings(method).Contains(s)).Distinct().ToList();
        return method == PruningMethod.None ? valid.OrderBy(s => s == PruningSetting.Pipelined ? 0 : 1).ToList() : valid;
    }

    /// <summary>
    /// The setting a unit sweep runs a method in when --settings does not choose: pipelined where the method has it
    /// (the model is trained once per seed and cached), else its only one (SMP before fine-tuning, MLPruning and SNIP joint).
    /// </summary>
    public static PruningSetting UnitSetting(PruningMethod method)
    {
        var valid = PrunerFactory.Settings(method);
        return valid.Contains(PruningSetting.Pipelined) ? PruningSetting.Pipelined : valid[0];
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
