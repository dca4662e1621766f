using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Model.Training;

namespace NativeDsp.Tests.Model.Training;

/// <summary>The trainer's behaviours one at a time: clipping, divergence, early stopping, frozen model, progress.</summary>
public sealed class TrainerTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("nativedsp-trainer-").FullName;
    readonly Device device = new(TestBackends.Host);

    string Dir(string name) => Path.Combine(root, name);

    /// <summary>loss = sum_i (w_i - c_i)^2: its gradient 2 (w - c) is known exactly.</summary>
    sealed class Quadratic : Module
    {
        public Quadratic(Device device, float[] start) => W = RegisterParameter("w", Parameter.FromArray(device, "w", start, start.Length));
        public Parameter W { get; }
    }

    [Fact]
    public void Clipping_ScalesTheGlobalNormToTheThreshold_AndReportsTheNormBefore()
    {
        float[] start = [3f, -4f, 1f, 0.5f, 2f], target = [0.5f, 1f, -1f, 0f, 2.5f];
        using var model = new Quadratic(device, start);
        using var opt = new AdamW(model.Parameters(), 0.1f, 0f);
        using var c = Tensor.FromArray(device, target, target.Length);
        BatchLoss Loss(IReadOnlyList<int> batch, StepContext ctx)
        {
            var d = Ops.Sub(model.W, c);
            return new BatchLoss(Ops.Sum(Ops.Mul(d, d)), 1);
        }
        var trainer = new Trainer<int>(model, opt, new ConstantSchedule(), [0], Loss, new TrainerOptions { MaxSteps = 3, BatchSize = 1, ClipNorm = 0.5f });
        trainer.Run(untilStep: 1);

        double expectedNorm = Math.Sqrt(start.Zip(target).Sum(p => 4.0 * (p.First - p.Second) * (p.First - p.Second)));
        // float32 sum of 5 squares: relative error a few ulps.
        Assert.Equal(expectedNorm, trainer.History[0].GradientNorm, expectedNorm * 1e-6);
        var g = model.W.Grad!.ToArray();
        double clippedNorm = Math.Sqrt(g.Sum(x => (double)x * x));
        // The clip scale is max / (norm + 1e-6), as torch's clip_grad_norm_: the result is 0.5 to ~1e-7 relative.
        Assert.Equal(0.5, clippedNorm, 1e-6);
        for (int i = 0; i < g.Length; i++) Assert.Equal(2.0 * (start[i] - target[i]) * 0.5 / expectedNorm, g[i], 1e-6);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void NonFiniteLoss_StopsNamingTheStep_AndKeepsTheLastGoodCheckpoint(float poison)
    {
        NliRun? run = null;
        BatchLoss Loss(IReadOnlyList<NliExample> batch, StepContext ctx)
        {
            var l = run!.Loss(batch, ctx);
            return ctx.Step == 7 ? l with { Loss = Ops.Scale(l.Loss, poison) } : l;
        }
        run = new NliRun(device, new TrainerOptions { MaxSteps = 20, BatchSize = 8, CheckpointEvery = 5, CheckpointDirectory = Dir("nan") },
                         new ConstantSchedule(), lossOverride: Loss);
        using var _ = run;
        string last = run.Trainer.LastCheckpointPath!;
        byte[]? checkpointAfterFive = null;
        Dictionary<string, float[]>? weightsAfterSix = null;
        run.Trainer.Hooks.Add(new DelegateHook(
            beforeForward: ctx => { if (ctx.Step == 6) checkpointAfterFive = File.ReadAllBytes(last); },
            afterStep: (ctx, _) => { if (ctx.Step == 6) weightsAfterSix = run.Weights(); }));

        var e = Assert.Throws<TrainingDivergedException>(() => run.Trainer.Run());
        Assert.Contains("step 7", e.Message);
        Assert.Contains(poison.ToString(), e.Message);
        Assert.Contains(last, e.Message);
        Assert.Equal(7, e.Step);
        Assert.Equal(6, run.Trainer.Step);
        Assert.Equal(checkpointAfterFive, File.ReadAllBytes(last));
        Assert.Equal("5", SafetensorsFile.Read(last).Metadata["step"]);
        var now = run.Weights();
        foreach (var (name, w) in weightsAfterSix!) Assert.True(w.AsSpan().SequenceEqual(now[name]), $"'{name}' changed by the diverged step");
    }

    [Fact]
    public void EarlyStopping_AfterPatienceEvaluationsWithoutImprovement_KeepsTheBestCheckpoint()
    {
        // Scripted metric: evaluations at steps 2, 4, 6, 8, 10, ... give 0.5, 0.7 (best), 0.6, 0.7 (not better), 0.65.
        double[] script = [0.5, 0.7, 0.6, 0.7, 0.65, 0.9, 0.9];
        int calls = 0;
        var options = new TrainerOptions { MaxSteps = 100, BatchSize = 8, EvalEvery = 2, Patience = 3, CheckpointDirectory = Dir("early") };
        using var run = new NliRun(device, options, new ConstantSchedule(), metricOverride: () => script[calls++]);
        Dictionary<string, float[]>? weightsAtFour = null;
        run.Trainer.Hooks.Add(new DelegateHook(afterStep: (ctx, _) => { if (ctx.Step == 4) weightsAtFour = run.Weights(); }));
        var sink = new RecordingSink();
        run.Trainer.Progress = sink;

        var result = run.Trainer.Run();
        Assert.Equal(StopReason.EarlyStopping, result.Reason);
        Assert.Equal(10, result.Step);
        Assert.Equal(5, calls);
        Assert.Equal(0.7, result.BestMetric);
        Assert.Equal(4, result.BestStep);
        Assert.Contains(sink.Messages, m => m.Contains("early stopping at step 10"));

        var best = TrainingCheckpoint.Load(result.BestCheckpoint!);
        Assert.Equal(4, best.Step);
        foreach (var (name, w) in weightsAtFour!)
        {
            var (module, local) = (name[..name.IndexOf('.')], name[(name.IndexOf('.') + 1)..]);
            Assert.True(w.AsSpan().SequenceEqual(best.Modules[module][local].Data), $"best checkpoint '{name}'");
        }
        Assert.Equal(10, TrainingCheckpoint.Load(result.LastCheckpoint!).Step);
    }

    [Fact]
    public void EarlyStopping_Counts_ForBothDirections()
    {
        var lower = new EarlyStopping(patience: 2, higherIsBetter: false, minDelta: 0.1);
        Assert.True(lower.Report(1.0, 1));
        Assert.False(lower.Report(0.95, 2)); // better, but not by more than min delta
        Assert.True(lower.Report(0.8, 3));
        Assert.False(lower.Report(double.NaN, 4));
        Assert.False(lower.ShouldStop);
        Assert.False(lower.Report(0.85, 5));
        Assert.True(lower.ShouldStop);
        Assert.Equal((0.8, 3L), (lower.Best!.Value, lower.BestStep));
        var never = new EarlyStopping(patience: 0, higherIsBetter: true);
        for (int i = 0; i < 10; i++) never.Report(0, i);
        Assert.False(never.ShouldStop);
    }

    [Fact]
    public void FrozenModel_KeepsEveryModelWeight_WhileTheGateLearns_WithoutDropout()
    {
        var options = new TrainerOptions { MaxSteps = 6, BatchSize = 8, FreezeModel = true, ClipNorm = 1f };
        using var run = new NliRun(device, options, new LinearWarmupDecaySchedule(2, 6));
        var before = run.Weights();
        bool sawTrainingMode = false;
        run.Trainer.Hooks.Add(new DelegateHook(beforeForward: _ => sawTrainingMode |= run.Model.Training));
        ulong dropoutOffset = run.Model.DropoutRng.Offset;
        run.Trainer.Run();

        var after = run.Weights();
        foreach (var (name, w) in before.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal)))
            Assert.True(w.AsSpan().SequenceEqual(after[name]), $"frozen weight '{name}' changed");
        Assert.False(before["gate.logits"].AsSpan().SequenceEqual(after["gate.logits"]));
        Assert.False(sawTrainingMode);
        Assert.Equal(dropoutOffset, run.Model.DropoutRng.Offset);
    }

    [Fact]
    public void ConstantGroup_IgnoresTheSchedule()
    {
        // Step 1 of a linear warm-up over 4 steps: the model group gets a quarter of its rate, the gate all of it.
        var options = new TrainerOptions { MaxSteps = 8, BatchSize = 8 };
        using var run = new NliRun(device, options, new LinearWarmupDecaySchedule(4, 8));
        run.Trainer.Run(untilStep: 1);
        Assert.Equal(3e-3 * 0.25, run.Trainer.History[0].LearningRate, 1e-9);
        Assert.Equal(0.1f, run.Optimizer.Groups[1].EffectiveLearningRate(0.25f));
    }

    [Fact]
    public void PlainProgress_PrintsPeriodicLinesAndCompletion()
    {
        var writer = new StringWriter();
        using var run = new NliRun(device, new TrainerOptions { MaxSteps = 5, BatchSize = 8 }, new ConstantSchedule());
        run.Trainer.Progress = new PlainProgressSink(writer, everySteps: 2, interval: TimeSpan.FromHours(1));
        run.Trainer.Description = "tiny NLI";
        run.Trainer.Run();

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("tiny NLI: 5 steps", lines[0]);
        Assert.StartsWith("step 2/5 (40.0%)", lines[1]);
        Assert.StartsWith("step 4/5 (80.0%)", lines[2]);
        Assert.StartsWith("step 5/5 (100.0%)", lines[3]);
        Assert.Contains("tok/s", lines[3]);
        Assert.Contains("lr 3.00e-03", lines[3]);
        Assert.StartsWith("training completed (100%) at step 5", lines[4]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public void Snapshots_CarryThroughputAndEta()
    {
        var sink = new RecordingSink();
        using var run = new NliRun(device, new TrainerOptions { MaxSteps = 4, BatchSize = 8 }, new ConstantSchedule());
        run.Trainer.Progress = sink;
        run.Trainer.Run();
        Assert.Equal(4, sink.Snapshots.Count);
        Assert.All(sink.Snapshots, s => Assert.True(s.TokensPerSecond > 0 && s.Eta is not null, $"step {s.Step}: {s.Format()}"));
        Assert.Equal(TimeSpan.Zero, sink.Snapshots[^1].Eta);
        Assert.Equal(StopReason.Completed, sink.Result!.Reason);
    }

    public void Dispose()
    {
        device.Dispose();
        Directory.Delete(root, recursive: true);
    }
}
