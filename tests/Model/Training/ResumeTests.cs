using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Model.Training;

namespace NativeDsp.Tests.Model.Training;

/// <summary>
/// A run stopped and resumed from its checkpoint file must produce exactly the numbers of an uninterrupted
/// run (Host backend, same seed): the same loss of every step, bit for bit, and bit-identical weights.
/// Dropout is on and a second random stream (the gate noise) is drawn every step, so a lost RNG state, a
/// lost optimizer moment or a shifted data order would all show.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    const int N = 7; // 40 examples in batches of 8: step 7 stops in the middle of the second epoch.
    readonly string root = Directory.CreateTempSubdirectory("nativedsp-resume-").FullName;
    readonly Device device = new(TestBackends.Host);

    TrainerOptions Options(string dir, bool resume = false) => new()
    {
        MaxSteps = 2 * N, BatchSize = 8, DataSeed = 5, ClipNorm = 1f, LabelSmoothing = 0.1f, EvalEvery = 3, CheckpointEvery = 4,
        CheckpointDirectory = Path.Combine(root, dir), Resume = resume,
    };

    static LinearWarmupDecaySchedule Schedule() => new(warmupSteps: 3, totalSteps: 2 * N);

    static void AssertBitEqual(IReadOnlyList<StepRecord> expected, IReadOnlyList<StepRecord> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Step, actual[i].Step);
            Assert.Equal(expected[i].Epoch, actual[i].Epoch);
            Assert.True(BitConverter.SingleToInt32Bits(expected[i].Loss) == BitConverter.SingleToInt32Bits(actual[i].Loss),
                        $"step {expected[i].Step}: loss {expected[i].Loss:R} uninterrupted vs {actual[i].Loss:R} resumed");
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i].GradientNorm), BitConverter.SingleToInt32Bits(actual[i].GradientNorm));
            Assert.Equal(expected[i].LearningRate, actual[i].LearningRate);
        }
    }

    static void AssertWeightsBitEqual(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, w) in expected)
            Assert.True(w.AsSpan().SequenceEqual(actual[name]), $"weight '{name}' differs between the uninterrupted and the resumed run");
    }

    [Fact]
    public void StopAndResumeFromTheCheckpointFile_EqualsAnUninterruptedRun()
    {
        using var straight = new NliRun(device, Options("straight"), Schedule(), withMetric: true);
        var straightResult = straight.Trainer.Run();
        Assert.Equal(StopReason.Completed, straightResult.Reason);
        Assert.Equal(2 * N, straight.Trainer.History.Count);

        List<StepRecord> records;
        using (var first = new NliRun(device, Options("split"), Schedule(), withMetric: true))
        {
            var paused = first.Trainer.Run(untilStep: N);
            Assert.Equal(StopReason.Paused, paused.Reason);
            Assert.Equal(N, paused.Step);
            records = [.. first.Trainer.History];
        }

        // A fresh model built from another seed: everything that matters must come from the file.
        using var resumed = new NliRun(device, Options("split", resume: true), Schedule(), modelSeed: 99, withMetric: true);
        var result = resumed.Trainer.Run();
        Assert.Equal(StopReason.Completed, result.Reason);
        Assert.Equal(N, resumed.Trainer.History[0].Step - 1);
        records.AddRange(resumed.Trainer.History);

        AssertBitEqual(straight.Trainer.History, records);
        AssertWeightsBitEqual(straight.Weights(), resumed.Weights());
        Assert.Equal(straight.Trainer.EarlyStopping.Best, resumed.Trainer.EarlyStopping.Best);
        Assert.Equal(straight.Trainer.EarlyStopping.BestStep, resumed.Trainer.EarlyStopping.BestStep);
        Assert.Equal(straight.Model.DropoutRng.State, resumed.Model.DropoutRng.State);
        Assert.Equal(straight.Gate.NoiseRng.State, resumed.Gate.NoiseRng.State);

        // The two final checkpoints hold the same tensors and the same scalars.
        var a = SafetensorsFile.Read(straightResult.LastCheckpoint!);
        var b = SafetensorsFile.Read(result.LastCheckpoint!);
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        foreach (var (name, t) in a.Tensors) Assert.True(t.Bytes.Span.SequenceEqual(b.Tensors[name].Bytes.Span), $"checkpoint tensor '{name}' differs");
        Assert.Equal(a.Metadata.OrderBy(kv => kv.Key), b.Metadata.OrderBy(kv => kv.Key));
    }

    /// <summary>
    /// The control that shows the test above can fail: the same resume, but with the dropout stream put back
    /// to its start instead of where the checkpoint left it, diverges from the uninterrupted run.
    /// </summary>
    [Fact]
    public void ResumeWithoutTheDropoutState_Diverges()
    {
        using var straight = new NliRun(device, Options("straight"), Schedule(), withMetric: true);
        straight.Trainer.Run();

        using (var first = new NliRun(device, Options("split"), Schedule(), withMetric: true)) first.Trainer.Run(untilStep: N);
        using var resumed = new NliRun(device, Options("split"), Schedule(), withMetric: true);
        resumed.Trainer.LoadCheckpoint(resumed.Trainer.LastCheckpointPath!);
        resumed.Model.DropoutRng.Restore(new RngState(resumed.Model.DropoutRng.Seed, 0));
        resumed.Trainer.Run();

        var expected = straight.Trainer.History.Skip(N).Select(r => r.Loss).ToList();
        var got = resumed.Trainer.History.Select(r => r.Loss).ToList();
        Assert.NotEqual(expected, got);
    }

    [Fact]
    public void Resume_WithoutACheckpoint_StartsFromZero()
    {
        var sink = new RecordingSink();
        using var run = new NliRun(device, Options("empty", resume: true) with { MaxSteps = 2, EvalEvery = 0 }, Schedule());
        run.Trainer.Progress = sink;
        run.Trainer.Run();
        Assert.Equal(1, run.Trainer.History[0].Step);
        Assert.Contains(sink.Messages, m => m.Contains("no checkpoint"));
    }

    [Fact]
    public void Checkpoint_FromAnotherSchedule_IsRejectedNamingTheFile()
    {
        using (var first = new NliRun(device, Options("sched") with { EvalEvery = 0 }, Schedule())) first.Trainer.Run(untilStep: 2);
        using var other = new NliRun(device, Options("sched", resume: true) with { EvalEvery = 0 }, new InverseSqrtSchedule(3));
        var e = Assert.Throws<InvalidDataException>(() => other.Trainer.Run());
        Assert.Contains(other.Trainer.LastCheckpointPath!, e.Message);
        Assert.Contains("inverse_sqrt(warmup=3)", e.Message);
    }

    [Fact]
    public void Checkpoint_OverOtherData_IsRejected()
    {
        using (var first = new NliRun(device, Options("data") with { EvalEvery = 0 }, Schedule())) first.Trainer.Run(untilStep: 2);
        using var other = new NliRun(device, Options("data", resume: true) with { EvalEvery = 0 }, Schedule(), examples: 41);
        var e = Assert.Throws<InvalidDataException>(() => other.Trainer.Run());
        Assert.Contains("40 training examples", e.Message);
    }

    [Fact]
    public void CorruptCheckpoint_GivesOneErrorNamingTheFile()
    {
        using (var first = new NliRun(device, Options("corrupt") with { EvalEvery = 0 }, Schedule())) first.Trainer.Run(untilStep: 2);
        string path = Path.Combine(root, "corrupt", Trainer<NliExample>.LastCheckpointName);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        using var other = new NliRun(device, Options("corrupt", resume: true) with { EvalEvery = 0 }, Schedule());
        var e = Assert.Throws<SafetensorsFormatException>(() => other.Trainer.Run());
        Assert.Contains(path, e.Message);
    }

    public void Dispose()
    {
        device.Dispose();
        Directory.Delete(root, recursive: true);
    }
}

/// <summary>A progress sink that keeps what it was told, for assertions.</summary>
public sealed class RecordingSink : IProgressSink
{
    public List<string> Messages { get; } = [];
    public List<ProgressSnapshot> Snapshots { get; } = [];
    public TrainingResult? Result { get; private set; }
    public long StartStep { get; private set; } = -1;

    public void Started(string description, long startStep, long totalSteps) => StartStep = startStep;
    public void StepCompleted(ProgressSnapshot snapshot) => Snapshots.Add(snapshot);
    public void Message(string line) => Messages.Add(line);
    public void Finished(TrainingResult result) => Result = result;
}
