namespace NativeDsp.Experiments.Runs;

/// <summary>The tasks a run can be: natural language inference (accuracy) or machine translation (BLEU).</summary>
public enum ExperimentTask
{
    Nli,
    Mt,
}
