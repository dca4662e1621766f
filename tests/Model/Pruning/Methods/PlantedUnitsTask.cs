using NativeDsp.Engine;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Training;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Tests.Model.Pruning.Methods;

/// <summary>
/// A tiny classifier with planted vital and useless units, for the unit methods' "right units are known" tests.
/// Texts are [CLS] a b c [pad or d] (tokens 3..11; half end in padding) and the label is (a - 3) mod 3, which
/// [CLS] can only read through attention. A 2-layer pre-LN classifier with 4 heads per layer is trained with the
/// value projections (weights and biases) of every head but <see cref="VitalHeads"/> held at zero, and the fc2
/// columns of the odd neurons of every FFN held at zero: those heads and neurons output exactly zero whatever
/// their gate, so the vital heads are the only ones that carry anything (a mask keeping them loses nothing,
/// one missing them loses the task), and the even neurons are the only live ones.
/// </summary>
public sealed class PlantedUnitsTask : IDisposable
{
    /// <summary>One vital head per layer: layer 0 head 1, layer 1 head 2.</summary>
    public static readonly int[] VitalHeads = [1, 6];
    public const int Length = 5, BatchSize = 32;
    const int Vocab = 12;

    public PlantedUnitsTask(int pretrainSteps = 1000)
    {
        Device = new Device(TestBackends.Host);
        Model = new NliClassifier(Device, new NliClassifierConfig
        {
            Layers = 2, DModel = 16, Heads = 4, Ffn = 16, Vocab = Vocab, MaxPositions = 8, Dropout = 0.1f, Seed = 7, PreNorm = true,
        });
        var rng = new System.Random(11);
        Train = Examples(512, rng);
        Valid = Examples(256, rng);
        ZeroUselessUnits();
        using var opt = new AdamW(Model.Parameters(), 1e-2f, 0f);
        var order = new System.Random(5);
        Model.Train();
        for (int step = 0; step < pretrainSteps; step++)
        {
            var batch = Enumerable.Range(0, BatchSize).Select(_ => Train[order.Next(Train.Count)]).ToList();
            using (Device.Scope())
            {
                var loss = Loss(batch, UnitGates.None).Loss;
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
            }
            ZeroUselessUnits();
        }
    }

    public Device Device { get; }
    public NliClassifier Model { get; }
    public List<(int[] Ids, int Label)> Train { get; }
    public List<(int[] Ids, int Label)> Valid { get; }

    /// <summary>The live (even) neurons of a neurons-only unit index: 8 of 16 per FFN.</summary>
    public static bool IsLiveNeuron(UnitIndex index, int unit) => index.Locate(unit).Local % 2 == 0;

    static List<(int[] Ids, int Label)> Examples(int n, System.Random rng) =>
        Enumerable.Range(0, n).Select(_ =>
        {
            int[] ids = [1, rng.Next(3, Vocab), rng.Next(3, Vocab), rng.Next(3, Vocab), rng.Next(2) == 0 ? 0 : rng.Next(3, Vocab)];
            return (ids, (ids[1] - 3) % 3);
        }).ToList();

    IReadOnlyList<(int[] Ids, int Label)> TrainBatch(int i)
    {
        int batches = Train.Count / BatchSize;
        return Train.GetRange(i % batches * BatchSize, BatchSize);
    }

    IReadOnlyList<(int[] Ids, int Label)> ValidBatch(int b) => Valid.GetRange(b * 64, 64);

    public BatchLoss Loss(IReadOnlyList<(int[] Ids, int Label)> batch, UnitGates gates)
    {
        var labels = Device.Tape.Own(IntTensor.FromArray(Device, batch.Select(e => e.Label).ToArray(), batch.Count));
        var logits = Model.Forward(batch.SelectMany(e => e.Ids).ToArray(), null, batch.Count, Length, gates);
        return new BatchLoss(Ops.CrossEntropy(logits, labels), batch.Count * Length);
    }

    /// <summary>Validation accuracy keeping the given heads (null = all), in evaluation mode without gradients.</summary>
    public double AccuracyKeepingHeads(IEnumerable<int>? heads)
    {
        using var freeze = Model.Freeze(evaluationMode: true);
        using var noGrad = NoGrad.Scope();
        using var scope = Device.Scope();
        var gate = heads is null ? null : Device.Tape.Own(Model.HeadIndex.GateTensor(Device, Model.HeadIndex.MaskKeeping(heads)));
        var logits = Model.Forward(Valid.SelectMany(e => e.Ids).ToArray(), null, Valid.Count, Length, gate).ToArray();
        return ModelTestKit.Accuracy3(logits, Valid.Select(e => e.Label).ToList());
    }

    /// <summary>What the calls of <see cref="Context"/>'s Train saw.</summary>
    public sealed record TrialRecord(long Steps, ulong Seed, bool StartedFromGivenWeights, bool ChangedWeights);

    /// <summary>
    /// The unit-pruning context of this task: 16 training batches of 32 texts, 4 held-out score batches of 64,
    /// and a Train that runs AdamW (lr 1e-3) in training mode over batches drawn with its seed, recording in
    /// <paramref name="trials"/> whether it started from <paramref name="start"/> (null = not checked) and
    /// whether it moved the weights.
    /// </summary>
    public UnitPruningContext Context(List<TrialRecord>? trials = null, Dictionary<string, HostTensor>? start = null, long trainSteps = 20) => new()
    {
        Model = Model,
        Device = Device,
        TrainBatches = Train.Count / BatchSize,
        TrainLoss = (i, gates) => Loss(TrainBatch(i), gates),
        Hidden = (i, gates) => Model.Encode(TrainBatch(i).SelectMany(e => e.Ids).ToArray(), null, BatchSize, Length, gates),
        ScoreBatches = Valid.Count / 64,
        ScoreLoss = (b, gates) => Loss(ValidBatch(b), gates),
        TrainSteps = trainSteps,
        Seed = 1,
        Train = (steps, seed, groups, gates, extra) =>
        {
            bool fromStart = start is null || SameWeights(start, Model.StateDict());
            var before = Model.StateDict();
            using var opt = new AdamW([new ParameterGroup(Model.Parameters(), 1e-3f), .. groups]);
            var order = new System.Random((int)(seed % int.MaxValue));
            Model.Train();
            for (long step = 1; step <= steps; step++)
            {
                var batch = Enumerable.Range(0, BatchSize).Select(_ => Train[order.Next(Train.Count)]).ToList();
                using var scope = Device.Scope();
                var loss = Loss(batch, gates?.Invoke(step) ?? UnitGates.None).Loss;
                if (extra?.Invoke(step) is { } penalty) loss = Ops.Add(loss, penalty);
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
            }
            trials?.Add(new TrialRecord(steps, seed, fromStart, !SameWeights(before, Model.StateDict())));
        },
    };

    public static bool SameWeights(Dictionary<string, HostTensor> a, Dictionary<string, HostTensor> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && kv.Value.Data.AsSpan().SequenceEqual(v.Data));

    void ZeroUselessUnits()
    {
        var index = Model.HeadIndex;
        for (int h = 0; h < index.Count; h++)
        {
            if (VitalHeads.Contains(h)) continue;
            var (g, local) = index.Locate(h);
            ModelTestKit.ZeroHeadValues(g.Module, local);
        }
        foreach (var (_, _, ffn) in Model.FeedForwardModules())
        {
            var w = ffn.Fc2.Weight.ToArray(); // [d, neurons]
            int neurons = ffn.Neurons;
            for (int row = 0; row < ffn.Fc2.OutFeatures; row++)
                for (int n = 1; n < neurons; n += 2) w[row * neurons + n] = 0f;
            ffn.Fc2.Weight.CopyFrom(w);
        }
    }

    public void Dispose()
    {
        Model.Dispose();
        Device.Dispose();
    }
}
