namespace NativeDsp.Experiments.Runs;

/// <summary>
/// How a run chooses what to keep. Head methods: DSP (Gumbel-soft-top-K, Li et al. 2021), STE (hard top-K with a
/// straight-through gradient), Voita et al. 2019 (Hard Concrete gates with an L0 penalty), Michel et al. 2019
/// (iterative pruning by importance scores), or none (the unpruned model). The reading list's unit methods (issue 20;
/// run by <see cref="NativeDsp.Experiments.Pruning.UnitPruningRun"/>): gradrank (one-shot gradient-ranked heads),
/// smp (Single-Shot Meta-Pruning, before fine-tuning), mlpruning (multi-level heads + FFN rows, learnable top-k
/// threshold), snip (spectral-normalised identity priors). DSP also prunes any <c>--units</c>. Its text
/// (<see cref="EnumText"/>) is the method column of results.csv.
/// </summary>
public enum PruningMethod
{
    Dsp,
    Ste,
    Voita,
    Michel,
    None,
    Gradrank,
    Smp,
    Mlpruning,
    Snip,
}
