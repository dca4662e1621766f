using NativeDsp.Engine;
using NativeDsp.Model.Training;

namespace NativeDsp.Tests.Model.Training;

/// <summary>
/// The trainer's divergence rule (<see cref="TrainerOptions.DivergenceFactor"/>): a finite loss that stays far
/// above its running minimum stops training with <see cref="TrainingDivergedException"/>, saying what to change.
/// </summary>
public sealed class DivergenceRuleTests
{
    [Fact]
    public void LossFarAboveItsRunningMinimumStopsTraining()
    {
        using var device = new Device(TestBackends.Host);
        // From step 6 on the loss is scaled by 1000: finite, but far above anything seen before (lr 1e6 in real runs).
        NliRun? run = null;
        LossFunction<NliExample> blowUp = (batch, context) =>
        {
            var loss = run!.Loss(batch, context);
            return context.Step >= 6 ? loss with { Loss = Ops.Scale(loss.Loss, 1000f) } : loss;
        };
        var options = new TrainerOptions { MaxSteps = 40, BatchSize = 8, DataSeed = 1 };
        run = new NliRun(device, options, new ConstantSchedule(), lossOverride: blowUp);
        var e = Assert.Throws<TrainingDivergedException>(() => run.Trainer.Run());
        // 20 consecutive steps above 100 x the minimum: steps 6..25.
        Assert.Equal(25, e.Step);
        Assert.Contains("above 100 x its lowest value", e.Message);
        Assert.Contains("lower the learning rate", e.Message);
        run.Dispose();

        // The same run with the rule off trains to the end: the rule, not something else, stopped it.
        run = new NliRun(device, options with { DivergenceFactor = 0 }, new ConstantSchedule(), lossOverride: blowUp);
        Assert.Equal(StopReason.Completed, run.Trainer.Run().Reason);
        run.Dispose();
    }
}
