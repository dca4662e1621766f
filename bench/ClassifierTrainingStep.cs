using NativeDsp.Engine;
using NativeDsp.Kernels;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Bench;

/// <summary>
/// One training step of the NLI classifier as issue 5 specifies it: 2 layers, d 256, 4 heads, FFN 1024,
/// vocab 8000, batch 32 x 64 tokens (no padding), cross-entropy, backward, AdamW (lr 1e-4, weight decay
/// 0.01), dropout 0.1 as BERT (or as given). Shared by the BenchmarkDotNet benchmark and the profiling driver.
/// </summary>
public sealed class ClassifierTrainingStep : IDisposable
{
    public const int Batch = 32, Length = 64;

    readonly int[] ids, segments;
    readonly IntTensor labels;
    readonly AdamW optimizer;

    public ClassifierTrainingStep(IKernels kernels, float dropout = 0.1f)
    {
        Device = new Device(kernels);
        Model = new NliClassifier(Device, new NliClassifierConfig
        {
            Layers = 2, DModel = 256, Heads = 4, Ffn = 1024, Vocab = 8000, MaxPositions = 512, Seed = 1, Dropout = dropout,
        });
        var rng = new Random(1);
        ids = Enumerable.Range(0, Batch * Length).Select(_ => rng.Next(1, 8000)).ToArray();
        segments = Enumerable.Range(0, Batch * Length).Select(i => i % Length >= Length / 2 ? 1 : 0).ToArray();
        labels = IntTensor.FromArray(Device, Enumerable.Range(0, Batch).Select(_ => rng.Next(0, 3)).ToArray(), Batch);
        optimizer = new AdamW(Model.Parameters(), 1e-4f, 0.01f);
    }

    public Device Device { get; }
    public NliClassifier Model { get; }

    /// <summary>Phase times of the last <see cref="Run"/> in stopwatch ticks (forward, backward, optimizer).</summary>
    public (long Forward, long Backward, long Optimizer) LastPhases { get; private set; }

    /// <summary>Forward + backward + AdamW; returns the loss (one read-back, as a training loop logs it).</summary>
    public float Run()
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        using var scope = Device.Scope();
        var loss = Ops.CrossEntropy(Model.Forward(ids, segments, Batch, Length), labels);
        long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
        optimizer.ZeroGrad();
        loss.Backward();
        long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
        optimizer.Step();
        float value = loss.Item();
        long t3 = System.Diagnostics.Stopwatch.GetTimestamp();
        LastPhases = (t1 - t0, t2 - t1, t3 - t2);
        return value;
    }

    public void Dispose()
    {
        optimizer.Dispose();
        labels.Dispose();
        Model.Dispose();
        Device.Dispose();
    }
}
