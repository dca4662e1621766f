using NativeDsp.Engine;
using NativeDsp.Model.Training;

namespace NativeDsp.Model.Pruning;

/// <summary>One step of Michel et al.'s iterative pruning: the heads left, the quality then, and the keep mask.</summary>
public sealed record MichelStep(int HeadsKept, double Metric, bool[] Keep);

/// <summary>
/// Michel, Levy &amp; Neubig (2019), "Are sixteen heads really better than one?": head importance
/// I_h = sum over a data pass of |dL/dgate_h| (per batch, at the current 0/1 gate, gate = 1 at first),
/// divided by the number of tokens, then L2-normalised within each attention module; the least important
/// unmasked heads are masked a step at a time, recomputing the importance under the current mask, with
/// no retraining. The final step is cut short so that exactly K heads stay.
/// </summary>
public sealed class MichelPruner : IHeadPruner
{
    readonly Device device;
    readonly Func<int, Tensor, BatchLoss> batchLoss;
    readonly int batches;
    bool[] keep;
    float[] importance;

    /// <summary>Michel et al.'s pruner over <paramref name="index"/>, stopping at <paramref name="budget"/>.Total heads.</summary>
    /// <param name="device">The device of the model and the gate.</param>
    /// <param name="index">The model's head index.</param>
    /// <param name="budget">The heads to keep.</param>
    /// <param name="batchLoss">The loss of importance batch b (0..batches-1) under the given gate; called inside a tape scope.</param>
    /// <param name="batches">The number of importance batches.</param>
    /// <param name="stepHeads">Heads masked per step (e.g. 10% of all heads).</param>
    /// <exception cref="ArgumentOutOfRangeException">batches or stepHeads is below 1, or K is out of range.</exception>
    /// <exception cref="ArgumentException">The budget does not fit the index.</exception>
    public MichelPruner(Device device, HeadIndex index, HeadBudget budget, Func<int, Tensor, BatchLoss> batchLoss, int batches, int stepHeads)
    {
        budget.Validate(index);
        if (batches < 1) throw new ArgumentOutOfRangeException(nameof(batches), batches, "Michel pruner: the importance pass needs at least one batch");
        if (stepHeads < 1) throw new ArgumentOutOfRangeException(nameof(stepHeads), stepHeads, "Michel pruner: at least one head must be masked per step");
        this.device = device;
        Index = index;
        Budget = budget;
        this.batchLoss = batchLoss;
        this.batches = batches;
        StepHeads = stepHeads;
        keep = Enumerable.Repeat(true, index.Count).ToArray();
        importance = new float[index.Count];
    }

    /// <summary>Heads per step for a fraction of all heads (at least 1).</summary>
    public static int StepFor(HeadIndex index, double fraction) => Math.Max(1, (int)Math.Round(fraction * index.Count));

    /// <summary>"michel".</summary>
    public string Method => "michel";
    /// <summary>The model's head index.</summary>
    public HeadIndex Index { get; }
    /// <summary>The heads to keep.</summary>
    public HeadBudget Budget { get; }
    HeadBudget? IHeadPruner.Budget => Budget;
    /// <summary>Null: Michel's method learns nothing.</summary>
    public ParameterGroup? ParameterGroup => null;
    /// <summary>Heads masked per step.</summary>
    public int StepHeads { get; }

    /// <summary>The quality after each step of the last <see cref="Run"/> (the first entry is the unpruned model).</summary>
    public IReadOnlyList<MichelStep> Curve { get; private set; } = [];

    /// <summary>The current 0/1 keep mask as a tape-owned gate [heads], in training and evaluation alike.</summary>
    public Tensor Mask(long step, bool training) => device.Tape.Own(Index.GateTensor(device, HeadSelection.ToGate(keep)));
    /// <summary>Null: no penalty.</summary>
    public Tensor? Penalty() => null;
    /// <summary>The importance of the last pass (0 before <see cref="Run"/>).</summary>
    public float[] Scores() => (float[])importance.Clone();
    /// <summary>The current keep mask as 0/1.</summary>
    public float[] SnapshotMask(long step) => HeadSelection.ToGate(keep);

    /// <summary>Runs the iterative masking down to the budget and returns the kept heads (exactly K).</summary>
    public bool[] FinalKeep()
    {
        if (Curve.Count == 0 || keep.Count(k => k) != Budget.Total) Run(null);
        return (bool[])keep.Clone();
    }

    /// <summary>
    /// Masks from all heads down to the budget, evaluating after every step with <paramref name="evaluate"/>
    /// (which gets the keep mask; null = no evaluation, metric NaN), and returns the curve.
    /// </summary>
    public IReadOnlyList<MichelStep> Run(Func<bool[], double>? evaluate)
    {
        keep = Enumerable.Repeat(true, Index.Count).ToArray();
        var curve = new List<MichelStep> { new(Index.Count, evaluate?.Invoke(keep) ?? double.NaN, (bool[])keep.Clone()) };
        var perModule = Budget.Modules;
        int kept = Index.Count;
        while (kept > Budget.Total)
        {
            importance = Importance(keep);
            int toMask = Math.Min(StepHeads, kept - Budget.Total);
            var left = Index.Groups.Select(g => Enumerable.Range(g.Offset, g.Count).Count(h => keep[h])).ToArray();
            var candidates = Enumerable.Range(0, Index.Count).Where(h => keep[h])
                .OrderBy(h => importance[h]).ThenBy(h => h);
            int masked = 0;
            foreach (int h in candidates)
            {
                if (masked == toMask) break;
                int m = Index.Groups.ToList().FindIndex(g => h >= g.Offset && h < g.Offset + g.Count);
                if (perModule is not null && left[m] <= perModule[m]) continue; // this module is at its own budget
                keep[h] = false;
                left[m]--;
                masked++;
            }
            kept -= masked;
            curve.Add(new MichelStep(kept, evaluate?.Invoke(keep) ?? double.NaN, (bool[])keep.Clone()));
        }
        Curve = curve;
        return curve;
    }

    /// <summary>I_h = sum_b |dL_b/dgate_h| / tokens at the 0/1 gate <paramref name="mask"/>, L2-normalised per module.</summary>
    public float[] Importance(bool[] mask)
    {
        var sum = new double[Index.Count];
        long tokens = 0;
        using var gate = Index.GateTensor(device, HeadSelection.ToGate(mask));
        gate.RequiresGrad = true;
        for (int b = 0; b < batches; b++)
        {
            using var scope = device.Scope();
            var loss = batchLoss(b, gate);
            gate.ZeroGrad();
            loss.Loss.Backward();
            var g = gate.Grad!.ToArray();
            for (int h = 0; h < g.Length; h++) sum[h] += Math.Abs(g[h]);
            tokens += loss.Tokens;
        }
        var result = new float[Index.Count];
        foreach (var group in Index.Groups)
        {
            double norm = 0;
            for (int h = group.Offset; h < group.Offset + group.Count; h++)
            {
                sum[h] /= Math.Max(tokens, 1);
                norm += sum[h] * sum[h];
            }
            norm = Math.Sqrt(norm) + 1e-20; // the reference's guard against an all-zero module
            for (int h = group.Offset; h < group.Offset + group.Count; h++) result[h] = (float)(sum[h] / norm);
        }
        return result;
    }

    /// <summary>Nothing to free (the gate of each pass is disposed by the pass).</summary>
    public void Dispose() { }
}
