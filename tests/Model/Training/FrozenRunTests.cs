using NativeDsp.Engine;
using NativeDsp.Model.Training;

namespace NativeDsp.Tests.Model.Training;

/// <summary>FreezeModel freezes the model for the run only and then restores each parameter's own state.</summary>
public sealed class FrozenRunTests : IDisposable
{
    readonly Device device = new(TestBackends.Host);

    [Fact]
    public void AFrozenRun_RestoresEachParametersState_AndTheTrainingMode()
    {
        var options = new TrainerOptions { MaxSteps = 2, BatchSize = 8, FreezeModel = true };
        using var run = new NliRun(device, options, new ConstantSchedule());
        var ps = run.Model.Parameters();
        ps[0].RequiresGrad = false; // frozen by the caller (e.g. a fixed embedding): a frozen run must not unfreeze it
        Assert.All(ps.Skip(1), p => Assert.True(p.RequiresGrad)); // building the trainer froze nothing
        bool frozenDuringRun = false;
        run.Trainer.Hooks.Add(new DelegateHook(beforeForward: _ => frozenDuringRun = ps.All(p => !p.RequiresGrad) && !run.Model.Training));
        run.Trainer.Run();

        Assert.True(frozenDuringRun);
        Assert.False(ps[0].RequiresGrad);
        Assert.All(ps.Skip(1), p => Assert.True(p.RequiresGrad));
        Assert.True(run.Model.Training);
    }

    public void Dispose() => device.Dispose();
}
