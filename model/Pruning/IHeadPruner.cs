using NativeDsp.Engine;

namespace NativeDsp.Model.Pruning;

/// <summary>
/// A head-pruning method over a model's global head index (<see cref="HeadIndex"/>). A training loop asks
/// for <see cref="Mask"/> each step (inside the step's tape scope; the gate it returns is tape-owned), adds
/// <see cref="Penalty"/> to the loss, and trains <see cref="ParameterGroup"/> (at its own constant learning
/// rate) with the optimizer; at the end <see cref="FinalKeep"/> says which heads survive.
/// </summary>
public interface IHeadPruner : IDisposable
{
    /// <summary>"dsp", "ste", "voita", "michel".</summary>
    string Method { get; }

    /// <summary>The head index the pruner was built over (the model's at that time).</summary>
    HeadIndex Index { get; }

    /// <summary>The heads to keep; null only for Voita's gates without a requested K (then gate &gt; 0.5 decides).</summary>
    HeadBudget? Budget { get; }

    /// <summary>The pruner's own parameters (logits), as a constant-rate group; null for a method that learns nothing (Michel).</summary>
    ParameterGroup? ParameterGroup { get; }

    /// <summary>
    /// The gate [Index.Count] for optimizer step <paramref name="step"/> (1-based): a relaxed / sampled,
    /// differentiable mask when <paramref name="training"/>, else the hard test-time mask of <see cref="FinalKeep"/>.
    /// </summary>
    Tensor Mask(long step, bool training);

    /// <summary>A scalar to add to the loss (Voita's lambda * expected L0), or null.</summary>
    Tensor? Penalty();

    /// <summary>The heads that survive (true = keep): exactly Budget.Total of them when a budget is set.</summary>
    bool[] FinalKeep();

    /// <summary>The per-head scores the final ranking uses (w, log alpha, importance), for snapshots and reports.</summary>
    float[] Scores();

    /// <summary>
    /// The mask values to plot at <paramref name="step"/>: what the relaxation favours without noise (DSP), the
    /// hard top-K (STE), the deterministic gate (Voita), the current keep mask (Michel).
    /// </summary>
    float[] SnapshotMask(long step);
}
