using NativeDsp.Engine;
using NativeDsp.Kernels;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Transformer;

namespace NativeDsp.GpuCheck;

/// <summary>
/// One joint DSP training step of a BERT-shaped NLI classifier (<see cref="BertShape"/>, post-norm, GELU,
/// dropout 0.1, random weights): Gumbel-soft-top-K head mask (Li et al. 2021) -> gated forward -> cross-entropy
/// -> backward -> AdamW over the model (lr 1e-4, weight decay 0.01) and the head logits (DSP's lr 0.5).
/// The loss is read back once per step, as a training loop logs it; that read-back is also what makes the step's
/// wall time include all its device work. peers.py builds the same model in PyTorch.
/// </summary>
public sealed class BertDspStep : IDisposable
{
    readonly BertShape shape;
    readonly int[] ids, segments;
    readonly IntTensor labels;
    readonly AdamW optimizer;
    readonly DspPruner pruner;
    readonly Device device;
    readonly NliClassifier model;
    long step;

    /// <summary>Builds the model, the pruner, the optimizer and one fixed random batch on <paramref name="kernels"/> (not owned).</summary>
    public BertDspStep(IKernels kernels, BertShape shape)
    {
        this.shape = shape;
        device = new Device(kernels);
        model = new NliClassifier(device, new NliClassifierConfig
        {
            Layers = shape.Layers, DModel = shape.DModel, Heads = shape.Heads, Ffn = shape.Ffn, Vocab = shape.Vocab,
            MaxPositions = Math.Max(512, shape.Length), Seed = 1, Dropout = 0.1f,
        });
        pruner = new DspPruner(device, model.HeadIndex, HeadBudget.Global(shape.KeepHeads), new DspOptions { Seed = 2 });
        optimizer = new AdamW([new ParameterGroup(model.Parameters(), 1e-4f, 0.01f, name: "model"), pruner.ParameterGroup]);
        var rng = new Random(1);
        int tokens = shape.Batch * shape.Length;
        ids = Enumerable.Range(0, tokens).Select(_ => rng.Next(1, shape.Vocab)).ToArray();
        segments = Enumerable.Range(0, tokens).Select(i => i % shape.Length >= shape.Length / 2 ? 1 : 0).ToArray();
        labels = IntTensor.FromArray(device, Enumerable.Range(0, shape.Batch).Select(_ => rng.Next(0, 3)).ToArray(), shape.Batch);
    }

    /// <summary>Trainable parameters of the model (the head logits excluded).</summary>
    public long ParameterCount => model.ParameterCount;

    /// <summary>The loss of the last <see cref="Run"/>.</summary>
    public float LastLoss { get; private set; } = float.NaN;

    /// <summary>One step; returns the loss.</summary>
    public float Run()
    {
        step++;
        using var scope = device.Scope();
        var mask = pruner.Mask(step, training: true);
        var loss = Ops.CrossEntropy(model.Forward(ids, segments, shape.Batch, shape.Length, mask), labels);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        LastLoss = loss.Item();
        return LastLoss;
    }

    /// <summary>
    /// FLOPs of one step: 6 x tokens x (12 d^2 + 2 d) per layer for the projections and FFN (forward 2, backward 4),
    /// 14 B H T^2 (d / H) per layer for attention (forward 4, backward 10 with the scores recomputed), and the
    /// pooler and classifier on the B [CLS] rows. Element-wise work is not counted.
    /// </summary>
    public static double Flops(BertShape s)
    {
        double tokens = (double)s.Batch * s.Length, d = s.DModel;
        double linear = 6 * tokens * (4 * d * d + 2 * d * s.Ffn) * s.Layers;
        double attention = 14.0 * s.Batch * s.Heads * s.Length * (double)s.Length * (d / s.Heads) * s.Layers;
        double head = 6.0 * s.Batch * (d * d + 3 * d);
        return linear + attention + head;
    }

    /// <summary>
    /// A lower bound on the bytes one step moves: each parameter is read in the forward and the backward pass,
    /// its gradient written and read, and AdamW reads and writes it and both moments (10 float accesses).
    /// Activations are left out, so the true traffic is larger.
    /// </summary>
    public static double MinimumBytes(long parameters) => 4.0 * 10 * parameters;

    /// <summary>Frees the model, optimizer state and batch (the kernels stay with their owner).</summary>
    public void Dispose()
    {
        optimizer.Dispose();
        labels.Dispose();
        pruner.Dispose();
        model.Dispose();
        device.Dispose();
    }
}
