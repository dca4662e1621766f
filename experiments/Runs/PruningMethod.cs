namespace NativeDsp.Experiments.Runs;

/// <summary>
/// How a run chooses its K heads: DSP (Gumbel-soft-top-K, Li et al. 2021), STE (hard top-K with a
/// straight-through gradient), Voita et al. 2019 (Hard Concrete gates with an L0 penalty), Michel et al.
/// 2019 (iterative pruning by importance scores), or none (the unpruned model). Its text
/// (<see cref="EnumText"/>) is the method column of results.csv.
/// </summary>
public enum PruningMethod
{
    Dsp,
    Ste,
    Voita,
    Michel,
    None,
}
