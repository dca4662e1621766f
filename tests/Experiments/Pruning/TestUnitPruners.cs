using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Tests.Experiments.Pruning;

/// <summary>A unit pruner that learns nothing: it keeps the top units of fixed scores under its budget (the run's plumbing under test, not a method).</summary>
class FixedUnitPruner(Device device, UnitIndex units, UnitBudget budget, float[] scores) : IUnitPruner
{
    protected Device Device => device;
    public virtual string Method => "fixed";
    public UnitIndex Units => units;
    public UnitBudget? Budget => budget;
    public ParameterGroup? ParameterGroup => null;
    public Tensor Mask(long step, bool training) => device.Tape.Own(Tensor.FromArray(device, units.MaskKeeping(FinalKeep()), units.Count));
    public Tensor? Penalty() => null;
    public bool[] FinalKeep() => UnitSelection.TopK(scores, budget, units);
    public float[] Scores() => scores;
    public float[] SnapshotMask(long step) => units.MaskKeeping(FinalKeep());
    public void Dispose() { }
}

/// <summary>
/// A procedure at a chosen stage that exercises what <see cref="UnitPruningContext"/> offers: two trial runs of
/// <see cref="TrialSteps"/> (the second under a gate with every unit on), the task loss of a training and a score
/// batch, and hidden states; it keeps the top units of fixed scores. <see cref="CrashAfterFirstTrial"/> throws after
/// the first trial run (a killed process, for the resume test).
/// </summary>
sealed class RecordingProcedure(Device device, UnitIndex units, UnitBudget budget, float[] scores, PruningStage stage)
    : FixedUnitPruner(device, units, budget, scores), IUnitPruningProcedure
{
    public const long TrialSteps = 6;
    public bool CrashAfterFirstTrial { get; init; }
    public List<string> Calls { get; } = [];
    public override string Method => "recording";
    public PruningStage Stage => stage;

    public void Run(UnitPruningContext context)
    {
        Calls.Add($"train steps {context.TrainSteps}");
        context.Train(TrialSteps, context.Seed + 1, [], null, null);
        if (CrashAfterFirstTrial) throw new InvalidOperationException("simulated kill after the first trial run");
        context.Train(TrialSteps, context.Seed + 2, [], _ => UnitGates.Split(Units, Device.Tape.Own(Tensor.FromArray(Device, Enumerable.Repeat(1f, Units.Count).ToArray(), Units.Count))), null);
        using (var scope = Device.Scope())
        {
            var all = UnitGates.None;
            float train = context.TrainLoss(context.TrainBatches + 1, all).Loss.ToArray()[0];
            float score = context.ScoreLoss(0, all).Loss.ToArray()[0];
            var (hidden, _) = context.Hidden(0, all);
            Calls.Add($"losses finite {float.IsFinite(train) && float.IsFinite(score)}; hidden rank {hidden.Shape.Rank}");
        }
    }
}
