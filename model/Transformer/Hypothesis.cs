namespace NativeDsp.Model.Transformer;

/// <summary>
/// A decoded target: its tokens (without the start token and without EOS), the summed log-probability of
/// those tokens and of EOS when <see cref="Finished"/>, the length the penalty used, and the length-
/// normalised score that greedy and beam search maximise.
/// </summary>
public sealed record Hypothesis(int[] Tokens, double LogProb, int Length, bool Finished, double Score);
