using NativeDsp.Engine;

namespace NativeDsp.Tests.Engine;

/// <summary>Adam/AdamW over parameter groups, constant-rate groups, gradient clipping, and exact resume from exported state.</summary>
public sealed class OptimizerTests : IDisposable
{
    readonly Device device = new(TestBackends.Host);

    Parameter P(string name, params float[] values) => Parameter.FromArray(device, name, values, values.Length);

    static void SetGrad(Tensor p, params float[] g) => p.EnsureGrad().CopyFrom(g);

    [Fact]
    public void Adam_FirstStep_MovesEachWeightByLrAgainstTheGradientSign()
    {
        // At t = 1 the bias-corrected update is lr * g / (|g| + eps): a step of lr against sign(g).
        using var p = P("w", 1f, -2f, 3f);
        using var opt = new Adam([p], learningRate: 0.1f);
        SetGrad(p, 0.5f, -4f, 0f);
        opt.Step();
        var w = p.ToArray();
        Assert.Equal(0.9f, w[0], 1e-5f);
        Assert.Equal(-1.9f, w[1], 1e-5f);
        Assert.Equal(3f, w[2], 1e-6f);
    }

    [Fact]
    public void AdamW_DecaysWeightsEvenWithZeroGradient_AdamDoesNotWithoutGradient()
    {
        using var a = P("a", 2f);
        using var b = P("b", 2f);
        using var adamW = new AdamW([a], learningRate: 0.1f, weightDecay: 0.5f);
        using var adam = new Adam([b], learningRate: 0.1f, weightDecay: 0f);
        SetGrad(a, 0f);
        SetGrad(b, 0f);
        adamW.Step();
        adam.Step();
        Assert.Equal(2f * (1f - 0.1f * 0.5f), a.ToArray()[0], 1e-6f);
        Assert.Equal(2f, b.ToArray()[0]);
    }

    [Fact]
    public void ConstantGroup_IgnoresTheSchedule_OtherGroupsFollowIt()
    {
        using var model = P("model", 1f);
        using var logits = P("logits", 1f);
        using var opt = new Adam([
            new ParameterGroup([model], 0.1f, name: "model"),
            new ParameterGroup([logits], 0.5f, constantLearningRate: true, name: "head logits"),
        ]);
        SetGrad(model, 1f);
        SetGrad(logits, 1f);
        opt.Step(scheduleFactor: 0f); // e.g. the first step of a linear warm-up
        Assert.Equal(1f, model.ToArray()[0]);
        Assert.Equal(0.5f, logits.ToArray()[0], 1e-5f);
    }

    [Fact]
    public void FrozenParameters_AreNotUpdated()
    {
        using var p = P("w", 1f);
        using var opt = new Adam([p], 0.1f);
        SetGrad(p, 1f);
        p.RequiresGrad = false;
        opt.Step();
        Assert.Equal(1f, p.ToArray()[0]);
    }

    [Fact]
    public void ClipGradNorm_ScalesToTheMaximumAndReturnsTheNorm()
    {
        using var a = P("a", 0f, 0f);
        using var b = P("b", 0f);
        using var opt = new Adam([a, b], 0.1f);
        SetGrad(a, 3f, 0f);
        SetGrad(b, 4f);
        Assert.Equal(5f, opt.ClipGradNorm(1f), 1e-5f);
        Assert.Equal(0.6f, a.Grad!.ToArray()[0], 1e-5f);
        Assert.Equal(0.8f, b.Grad!.ToArray()[0], 1e-5f);
        Assert.Equal(1f, opt.ClipGradNorm(10f), 1e-5f); // below the maximum: unchanged
        Assert.Equal(0.8f, b.Grad!.ToArray()[0], 1e-5f);
    }

    [Fact]
    public void Parameter_InTwoGroups_IsAnError()
    {
        using var p = P("w", 1f);
        Assert.Throws<ArgumentException>(() => new Adam([new ParameterGroup([p], 0.1f), new ParameterGroup([p], 0.2f)]));
    }

    /// <summary>
    /// Train 2N steps, or train N, export model + optimizer + RNG state, load them into fresh objects and
    /// train N more: the loss sequences and the final weights must be bitwise equal.
    /// </summary>
    [Fact]
    public void ExportedState_ResumesExactly()
    {
        var (xs, ys) = ToyData.TwoMoons(32, 0.1f, seed: 3);
        using var x = Tensor.FromArray(device, xs, 32, 2);
        using var y = IntTensor.FromArray(device, ys, 32);
        const int n = 20;

        // The schedule is a function of the global step, as in a real loop, so a resumed run continues it.
        List<float> Steps(TestMlp mlp, AdamW opt, int start, int count)
        {
            var losses = new List<float>();
            for (int i = start; i < start + count; i++)
            {
                using var scope = device.Scope();
                var loss = Ops.CrossEntropy(mlp.Forward(x), y, smoothing: 0.1f);
                opt.ZeroGrad();
                loss.Backward();
                opt.ClipGradNorm(1f);
                opt.Step(scheduleFactor: 1f - i / 100f);
                losses.Add(loss.Item());
            }
            return losses;
        }

        static AdamW NewOpt(TestMlp m) => new([new ParameterGroup(m.Parameters(), 0.01f, 0.01f)]);

        using var straight = new TestMlp(device, [2, 8, 2], seed: 1, dropout: 0.2f);
        using var straightOpt = NewOpt(straight);
        var expected = Steps(straight, straightOpt, 0, 2 * n);

        using var first = new TestMlp(device, [2, 8, 2], seed: 1, dropout: 0.2f);
        using var firstOpt = NewOpt(first);
        var got = Steps(first, firstOpt, 0, n);
        var modelState = first.StateDict();
        var optState = firstOpt.ExportState();
        var rngState = first.DropoutState;

        using var resumed = new TestMlp(device, [2, 8, 2], seed: 99, dropout: 0.2f);
        using var resumedOpt = NewOpt(resumed);
        resumed.LoadStateDict(modelState);
        resumedOpt.ImportState(optState);
        resumed.DropoutState = rngState;
        Assert.Equal(n, resumedOpt.StepCount);
        got.AddRange(Steps(resumed, resumedOpt, n, n));

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), got.Select(BitConverter.SingleToInt32Bits));
        foreach (var ((name, a), (_, b)) in straight.NamedParameters().Zip(resumed.NamedParameters()))
            Assert.True(a.ToArray().AsSpan().SequenceEqual(b.ToArray()), name);
    }

    [Fact]
    public void ImportState_RejectsWrongShapes()
    {
        using var p = P("w", 1f, 2f);
        using var opt = new Adam([p], 0.1f);
        var state = new OptimizerState(3, new() { ["g0.p0.m"] = new HostTensor(new Shape(3), new float[3]), ["g0.p0.v"] = new HostTensor(new Shape(3), new float[3]) });
        var e = Assert.Throws<ShapeException>(() => opt.ImportState(state));
        Assert.Contains("[2] and [3]", e.Message);
    }

    public void Dispose() => device.Dispose();
}
