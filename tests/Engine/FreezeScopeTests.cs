using NativeDsp.Engine;

namespace NativeDsp.Tests.Engine;

/// <summary><see cref="Module.Freeze"/>: frozen inside the scope, each parameter's own previous state after it.</summary>
public sealed class FreezeScopeTests : IDisposable
{
    readonly Device device = new(TestBackends.Host);

    [Fact]
    public void RestoresEachParametersPreviousState_NotEverythingTrainable()
    {
        using var mlp = new TestMlp(device, [2, 3, 1], seed: 1);
        var ps = mlp.Parameters();
        ps[1].RequiresGrad = false; // frozen by the caller before the scope: must stay frozen after it
        using (var scope = mlp.Freeze())
        {
            Assert.All(ps, p => Assert.False(p.RequiresGrad));
            Assert.Equal(ps.Count, scope.Recorded.Count);
            Assert.True(mlp.Training); // without evaluationMode the mode is left alone
        }
        for (int i = 0; i < ps.Count; i++) Assert.Equal(i != 1, ps[i].RequiresGrad);
    }

    [Fact]
    public void EvaluationMode_IsRestoredPerModule_AndScopesNest()
    {
        using var mlp = new TestMlp(device, [2, 3, 1], seed: 1);
        var (_, layer0) = mlp.NamedModules().First(m => m.Name == "layers.0");
        layer0.Eval(); // a child already in evaluation mode stays so; the others return to training
        using (mlp.Freeze(evaluationMode: true))
        {
            Assert.All(mlp.NamedModules(), m => Assert.False(m.Module.Training));
            using (mlp.Freeze()) Assert.All(mlp.Parameters(), p => Assert.False(p.RequiresGrad));
            Assert.All(mlp.Parameters(), p => Assert.False(p.RequiresGrad)); // the inner scope restored the outer's frozen state
        }
        Assert.All(mlp.NamedModules(), m => Assert.Equal(m.Name != "layers.0", m.Module.Training));
        Assert.All(mlp.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void NoGradientReachesAFrozenParameter_AndDisposeTwiceIsHarmless()
    {
        using var mlp = new TestMlp(device, [2, 3, 1], seed: 1);
        var scope = mlp.Freeze();
        using var x = Tensor.FromArray(device, [0.5f, -1f], 1, 2);
        using (device.Scope()) Assert.False(mlp.Forward(x).RequiresGrad); // the tape records nothing to differentiate
        scope.Dispose();
        scope.Dispose();
        Assert.All(mlp.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    public void Dispose() => device.Dispose();
}
