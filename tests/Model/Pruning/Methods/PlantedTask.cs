using NativeDsp.Engine;
using NativeDsp.Model.Layers;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Training;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Tests.Model.Pruning.Methods;

/// <summary>
/// A tiny classification task where the right units are known by construction: a random NliClassifier in which some
/// units are planted dead (all their weights zero, so they compute nothing and, with zero in- and out-weights, get
/// no gradient and stay dead while the model trains) and the others are vital (their output is scaled up so that
/// the labels, the planted model's own predictions on random token sequences, depend on them). A method must remove
/// the dead units and keep the vital ones; a random or inverted choice keeps dead units.
/// </summary>
public sealed class PlantedTask : IDisposable
{
    public const int Batch = 16, Length = 6, Batches = 4, Classes = 3, Vocab = 20;
    readonly int[][] ids;
    readonly int[][] labels;

    public PlantedTask(Device device, ulong seed, int layers = 2, int heads = 4, int ffn = 8)
    {
        Device = device;
        Model = new NliClassifier(device, new NliClassifierConfig
        {
            Layers = layers, DModel = 16, Heads = heads, Ffn = ffn, Vocab = Vocab, MaxPositions = 12, Classes = Classes, Dropout = 0f, Seed = seed, Init = InitScheme.Fairseq,
        });
        var rng = new System.Random((int)seed);
        ids = Enumerable.Range(0, Batches).Select(_ => Enumerable.Range(0, Batch * Length).Select(_ => rng.Next(1, Vocab)).ToArray()).ToArray();
        labels = new int[Batches][];
    }

    public Device Device { get; }
    public NliClassifier Model { get; }

    /// <summary>Sets the labels to the model's current predictions (call after planting).</summary>
    public void LabelFromModel()
    {
        Model.Eval();
        using var noGrad = NoGrad.Scope();
        for (int b = 0; b < Batches; b++)
        {
            using var scope = Device.Scope();
            var logits = Model.Forward(ids[b], null, Batch, Length).ToArray();
            labels[b] = Enumerable.Range(0, Batch).Select(i => Enumerable.Range(0, Classes).MaxBy(c => logits[i * Classes + c])).ToArray();
        }
        Model.Train();
    }

    /// <summary>Zeroes head <paramref name="h"/> of layer <paramref name="layer"/>: its q/k/v rows and biases and its out_proj columns.</summary>
    public void KillHead(int layer, int h)
    {
        var a = Model.Encoder.Layers[layer].SelfAttention;
        int d = a.HeadDim;
        foreach (var p in new[] { a.QProj, a.KProj, a.VProj })
        {
            ZeroRows(p.Weight, h * d, d);
            ZeroEntries(p.Bias!, h * d, d);
        }
        ScaleColumns(a.OutProj.Weight, h * d, d, 0f);
    }

    /// <summary>Multiplies head h's out_proj columns by <paramref name="factor"/>.</summary>
    public void AmplifyHead(int layer, int h, float factor)
    {
        var a = Model.Encoder.Layers[layer].SelfAttention;
        ScaleColumns(a.OutProj.Weight, h * a.HeadDim, a.HeadDim, factor);
    }

    /// <summary>Zeroes neuron n of layer <paramref name="layer"/>'s FFN: its fc1 row and bias and its fc2 column.</summary>
    public void KillNeuron(int layer, int n)
    {
        var f = Model.Encoder.Layers[layer].FeedForward;
        ZeroRows(f.Fc1.Weight, n, 1);
        ZeroEntries(f.Fc1.Bias!, n, 1);
        ScaleColumns(f.Fc2.Weight, n, 1, 0f);
    }

    /// <summary>Multiplies neuron n's fc2 column by <paramref name="factor"/>.</summary>
    public void AmplifyNeuron(int layer, int n, float factor) => ScaleColumns(Model.Encoder.Layers[layer].FeedForward.Fc2.Weight, n, 1, factor);

    /// <summary>Zeroes a whole attention block (every projection's weight and bias): its branch adds nothing and, with zero in- and out-weights, gets no gradient.</summary>
    public void KillAttentionBlock(int layer)
    {
        var a = Model.Encoder.Layers[layer].SelfAttention;
        foreach (var p in new[] { a.QProj, a.KProj, a.VProj, a.OutProj })
        {
            Init.Zeros(p.Weight);
            Init.Zeros(p.Bias!);
        }
    }

    /// <summary>Zeroes a whole FFN block (fc1 and fc2, weights and biases).</summary>
    public void KillFfnBlock(int layer)
    {
        var f = Model.Encoder.Layers[layer].FeedForward;
        foreach (var p in new[] { f.Fc1, f.Fc2 })
        {
            Init.Zeros(p.Weight);
            Init.Zeros(p.Bias!);
        }
    }

    /// <summary>The task loss of batch b under the gates (cross-entropy against the planted labels).</summary>
    public BatchLoss Loss(int b, UnitGates gates)
    {
        b %= Batches;
        var logits = Model.Forward(ids[b], null, Batch, Length, gates);
        var targets = Device.Tape.Own(IntTensor.FromArray(Device, labels[b], Batch));
        return new BatchLoss(Ops.CrossEntropy(logits, targets), Batch * Length);
    }

    /// <summary>Accuracy against the planted labels under the gates, eval mode.</summary>
    public double Accuracy(UnitGates gates)
    {
        Model.Eval();
        int right = 0;
        using (NoGrad.Scope())
            for (int b = 0; b < Batches; b++)
            {
                using var scope = Device.Scope();
                var logits = Model.Forward(ids[b], null, Batch, Length, gates).ToArray();
                for (int i = 0; i < Batch; i++)
                    if (Enumerable.Range(0, Classes).MaxBy(c => logits[i * Classes + c]) == labels[b][i]) right++;
            }
        Model.Train();
        return right / (double)(Batches * Batch);
    }

    /// <summary>
    /// Trains model + extra groups for <paramref name="steps"/> AdamW steps: gates before the forward, extra loss after
    /// it (the order <see cref="UnitPruningContext.Train"/> documents), gradient clipping 1.
    /// </summary>
    public void Train(long steps, IReadOnlyList<ParameterGroup> extra, Func<long, UnitGates>? gates, Func<long, Tensor?>? extraLoss, float learningRate = 1e-3f)
    {
        var groups = new List<ParameterGroup> { new(Model.Parameters(), learningRate, 0f, name: "model") };
        groups.AddRange(extra);
        using var optimizer = new AdamW(groups);
        for (long step = 1; step <= steps; step++)
        {
            using var scope = Device.Scope();
            var g = gates?.Invoke(step) ?? UnitGates.None;
            var loss = Loss((int)(step % Batches), g).Loss;
            if (extraLoss?.Invoke(step) is { } more) loss = Ops.Add(loss, more);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.ClipGradNorm(1f);
            optimizer.Step();
        }
    }

    /// <summary>A context over this task (no held-out batches: measurements read the training batches).</summary>
    public UnitPruningContext Context(long steps) => new()
    {
        Model = Model,
        Device = Device,
        TrainBatches = Batches,
        TrainLoss = Loss,
        Hidden = (_, _) => throw new NotSupportedException("the planted task has no hidden-state objective"),
        ScoreBatches = 0,
        ScoreLoss = Loss,
        Train = (n, _, extra, gates, extraLoss) => Train(n, extra, gates, extraLoss),
        TrainSteps = steps,
        Seed = 1,
    };

    static void ZeroRows(Tensor w, int first, int count)
    {
        var a = w.ToArray();
        int cols = w.Shape[1];
        Array.Clear(a, first * cols, count * cols);
        w.CopyFrom(a);
    }

    static void ZeroEntries(Tensor b, int first, int count)
    {
        var a = b.ToArray();
        Array.Clear(a, first, count);
        b.CopyFrom(a);
    }

    static void ScaleColumns(Tensor w, int first, int count, float factor)
    {
        var a = w.ToArray();
        int rows = w.Shape[0], cols = w.Shape[1];
        for (int r = 0; r < rows; r++)
            for (int c = first; c < first + count; c++) a[r * cols + c] *= factor;
        w.CopyFrom(a);
    }

    public void Dispose() => Model.Dispose();
}
