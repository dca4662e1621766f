using NativeDsp.Engine;
using NativeDsp.Model.Training;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Tests.Model.Training;

/// <summary>One NLI training example: premise and hypothesis token ids and the class.</summary>
public sealed record NliExample(int[] Premise, int[] Hypothesis, int Label);

/// <summary>
/// A stand-in for a head pruner: one logit per head, gate = sigmoid(logit + noise) with the noise drawn
/// before each forward pass from its own stream (as DSP draws Gumbel noise), gate = sigmoid(logit) in
/// evaluation. Enough to exercise a second parameter group, a hook, a second RNG and an extra module.
/// </summary>
public sealed class TestHeadGate : Module
{
    readonly float[] noise;

    public TestHeadGate(Device device, int heads, ulong seed)
    {
        Logits = RegisterParameter("logits", Parameter.FromArray(device, "logits", Enumerable.Repeat(2f, heads).ToArray(), heads));
        NoiseRng = new Rng(seed);
        noise = new float[heads];
    }

    public Parameter Logits { get; }
    public Rng NoiseRng { get; }

    public void DrawNoise()
    {
        for (int i = 0; i < noise.Length; i++) noise[i] = 0.5f * NoiseRng.NextGumbel();
    }

    public Tensor Gate()
    {
        if (!Training) return Ops.Sigmoid(Logits);
        var n = Logits.Device.Tape.Own(Tensor.FromArray(Logits.Device, noise, noise.Length));
        return Ops.Sigmoid(Ops.Add(Logits, n));
    }
}

/// <summary>A small NLI classifier with dropout, a head gate, two parameter groups and a trainer over random data.</summary>
public sealed class NliRun : IDisposable
{
    public const int Pad = 0, Cls = 1, Sep = 2;

    public NliRun(Device device, TrainerOptions options, ILearningRateSchedule schedule, ulong modelSeed = 7, bool withMetric = false,
                  Func<double>? metricOverride = null, int examples = 40, float dropout = 0.1f, LossFunction<NliExample>? lossOverride = null)
    {
        Device = device;
        Data = Examples(examples, seed: 11);
        Model = new NliClassifier(device, new NliClassifierConfig
        {
            Layers = 2, DModel = 16, Heads = 2, Ffn = 32, Vocab = 30, MaxPositions = 24, Dropout = dropout, Seed = modelSeed,
        });
        Gate = new TestHeadGate(device, Model.HeadIndex.Count, seed: modelSeed + 100);
        // The gate logits learn at a constant rate outside the schedule, as DSP's head logits do.
        Optimizer = new AdamW([
            new ParameterGroup(Model.Parameters(), 3e-3f, 0.01f, name: "model"),
            new ParameterGroup([Gate.Logits], 0.1f, 0f, constantLearningRate: true, name: "gate"),
        ]);
        EvaluationMetric? metric = withMetric || metricOverride is not null
            ? new EvaluationMetric("accuracy", HigherIsBetter: true, metricOverride ?? Accuracy)
            : null;
        Trainer = new Trainer<NliExample>(Model, Optimizer, schedule, Data, lossOverride ?? Loss, options, metric);
        Trainer.Rngs["dropout"] = Model.DropoutRng;
        Trainer.Rngs["gate"] = Gate.NoiseRng;
        Trainer.ExtraModules["gate"] = Gate;
        Trainer.Hooks.Add(new DelegateHook(beforeForward: _ => Gate.DrawNoise()));
    }

    public Device Device { get; }
    public IReadOnlyList<NliExample> Data { get; }
    public NliClassifier Model { get; }
    public TestHeadGate Gate { get; }
    public AdamW Optimizer { get; }
    public Trainer<NliExample> Trainer { get; }

    public static List<NliExample> Examples(int count, int seed)
    {
        var rng = new System.Random(seed);
        int[] Tokens() => Enumerable.Range(0, rng.Next(2, 6)).Select(_ => rng.Next(3, 30)).ToArray();
        return Enumerable.Range(0, count).Select(_ => new NliExample(Tokens(), Tokens(), rng.Next(0, 3))).ToList();
    }

    public BatchLoss Loss(IReadOnlyList<NliExample> batch, StepContext context)
    {
        var logits = Logits(batch);
        var labels = Device.Tape.Own(IntTensor.FromArray(Device, batch.Select(e => e.Label).ToArray(), batch.Count));
        long tokens = batch.Sum(e => e.Premise.Length + e.Hypothesis.Length + 3);
        return new BatchLoss(Ops.CrossEntropy(logits, labels, smoothing: context.LabelSmoothing), tokens);
    }

    public Tensor Logits(IReadOnlyList<NliExample> batch)
    {
        var (ids, segments, length) = NliInput.Pack(batch.Select(e => (e.Premise, e.Hypothesis)).ToList(), Cls, Sep, Pad, 24);
        return Model.Forward(ids, segments, batch.Count, length, Gate.Gate());
    }

    public double Accuracy()
    {
        return ModelTestKit.Accuracy3(Logits(Data).ToArray(), Data.Select(e => e.Label).ToList());
    }

    /// <summary>Every weight of the model and the gate, by name.</summary>
    public Dictionary<string, float[]> Weights()
    {
        var w = Model.StateDict().ToDictionary(kv => "model." + kv.Key, kv => kv.Value.Data);
        foreach (var (name, t) in Gate.StateDict()) w["gate." + name] = t.Data;
        return w;
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Gate.Dispose();
        Model.Dispose();
    }
}
