using NativeDsp.Experiments.Pruning;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The one table of which pruning method reads which method-specific setting of <see cref="ExperimentConfig"/>, kept in
/// step with <see cref="PrunerFactory"/> (where each pruner is built from the config) and the runners (where the mask
/// steps are spent). A setting given on the command line that no run of the command reads is refused
/// (<see cref="Check"/>; the commands turn its line into a usage error): a run never drops what it was told. Presets set every setting for every method; only what the
/// user typed is checked. Settings that every pruning run reads (steps, lr, batch, finetune_steps, ...) are not here;
/// the timing settings of unit runs are checked where unit runs are told from head runs.
/// </summary>
public static class MethodSettings
{
    /// <summary>One row: the settings, whether a run of (method, setting) reads them, and who does, in words.</summary>
    /// <param name="Settings">snake_case setting names.</param>
    /// <param name="Reads">Whether a run of the method in the pruning setting reads them.</param>
    /// <param name="Readers">Who reads them, as the usage line says it.</param>
    /// <param name="BySetting">Whether the pruning setting decides it too (then messages name each run's setting).</param>
    public sealed record Row(string[] Settings, Func<PruningMethod, PruningSetting, bool> Reads, string Readers, bool BySetting = false);

    /// <summary>The table. Each reader is where the value is read: PrunerFactory.Create / CreateUnits, MichelBatches, the runners' MaskStepsFor.</summary>
    public static IReadOnlyList<Row> Table { get; } =
    [
        // DspPruner / UnitDspPruner: the temperature schedule (T_cool from cooldown x the mask steps when t_cool is 0).
        new(["tau0", "tau_end", "t_cool", "cooldown"], (m, _) => m == PruningMethod.Dsp, "dsp"),
        // The learning rate of DSP's and STE's logits (MLPruning, SMP, SNIP use their own defaults).
        new(["mask_lr"], (m, _) => m is PruningMethod.Dsp or PruningMethod.Ste, "dsp, ste"),
        // HardConcretePruner and its lambda search.
        new(["voita_lambda", "voita_search", "voita_lambda_low", "voita_lambda_high", "voita_trials", "voita_trial_fraction", "voita_lr"],
            (m, _) => m == PruningMethod.Voita, "voita"),
        new(["michel_step"], (m, _) => m == PruningMethod.Michel, "michel"),
        // The importance batches: Michel's, and the score batches of the unit procedures that score (gradrank, snip).
        new(["michel_batches"], (m, _) => m is PruningMethod.Michel or PruningMethod.Gradrank or PruningMethod.Snip, "michel, gradrank, snip (their importance batches)"),
        // Mask learning on the frozen model (pipelined); a joint run learns its mask over --steps. SMP trains its meta-pruner for 2 x mask steps.
        new(["mask_steps", "mask_epochs"], (m, s) => (m is PruningMethod.Dsp or PruningMethod.Ste or PruningMethod.Voita && s == PruningSetting.Pipelined) || m == PruningMethod.Smp,
            "dsp, ste, voita when pipelined (a joint run learns its mask over --steps) and smp (its meta-pruner's training)", BySetting: true),
    ];

    /// <summary>The row of <paramref name="setting"/>, or null for a setting every run reads.</summary>
    public static Row? RowOf(string setting) => Table.FirstOrDefault(r => r.Settings.Contains(setting));

    /// <summary>
    /// Checks the method-specific settings given on the command line against the runs of a command.
    /// </summary>
    /// <param name="given">The settings given: snake_case name and the option as typed ("--mask-steps").</param>
    /// <param name="runs">The (method, setting) pairs the command runs: one for nli/mt, the grid's for a sweep.</param>
    /// <param name="methodsOption">How the command names its methods: "--method" or "--methods".</param>
    /// <returns>
    /// Error: one line for the first setting no run reads (naming it, who would ignore it and who reads it), or null;
    /// Notes: a line for each setting that some runs read and others do not (a sweep over several methods).
    /// </returns>
    public static (string? Error, IReadOnlyList<string> Notes) Check(IEnumerable<(string Setting, string Option)> given,
                                                                     IReadOnlyCollection<(PruningMethod Method, PruningSetting Setting)> runs, string methodsOption)
    {
        var notes = new List<string>();
        foreach (var (setting, option) in given)
        {
            if (RowOf(setting) is not { } row) continue;
            var ignoring = runs.Where(r => !row.Reads(r.Method, r.Setting)).ToList();
            if (ignoring.Count == 0) continue;
            if (ignoring.Count == runs.Count)
                return ($"{option}: {Describe(ignoring, methodsOption, row.BySetting)} does not read it; it is read by {row.Readers}: drop it or choose a method that reads it", notes);
            var reading = runs.Where(r => row.Reads(r.Method, r.Setting)).ToList();
            notes.Add($"note: {option} is read by {Describe(reading, methodsOption, row.BySetting)} only; the runs of {Describe(ignoring, methodsOption, row.BySetting)} ignore it");
        }
        return (null, notes);
    }

    /// <summary>"--method gradrank", "--methods dsp (joint), none": each run's setting is named where the setting decides.</summary>
    static string Describe(IReadOnlyList<(PruningMethod Method, PruningSetting Setting)> runs, string methodsOption, bool bySetting) =>
        $"{methodsOption} " + string.Join(", ", runs.GroupBy(r => r.Method).Select(g => bySetting && g.Key != PruningMethod.None
            ? $"{EnumText.Of(g.Key)} ({string.Join(", ", g.Select(r => r.Setting).Distinct().Select(EnumText.Of))})"
            : EnumText.Of(g.Key)));
}
