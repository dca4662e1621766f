using System.Diagnostics;
using NativeDsp.Engine;
using NativeDsp.Kernels;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Bench;

/// <summary>
/// One unit of work to time (a training step, a mask step, an inference pass) on a given set of kernels:
/// the shapes of issue 15's table, shared by <c>step-profile</c> and <c>steps</c> and mirrored by the peer
/// benchmarks (bench/peers) so that both sides run the same products.
/// </summary>
public abstract class StepWorkload : IDisposable
{
    /// <summary>The names <see cref="Create"/> accepts, in the order the reports list them.</summary>
    public static readonly string[] Names = ["classifier", "minilm-train", "minilm-mask", "minilm-infer", "minilm-infer-pruned", "seq2seq"];

    protected StepWorkload(IKernels kernels) => Device = new Device(kernels);

    /// <summary>The device the workload's model lives on.</summary>
    public Device Device { get; }

    /// <summary>What it is, with its shapes.</summary>
    public abstract string Description { get; }

    /// <summary>Tokens processed per <see cref="Run"/>.</summary>
    public abstract int Tokens { get; }

    /// <summary>Phase times of the last <see cref="Run"/> in stopwatch ticks (forward, backward, optimizer; 0 where absent).</summary>
    public (long Forward, long Backward, long Optimizer) LastPhases { get; protected set; }

    /// <summary>Runs the unit once, ending with one read-back (as a training loop logs its loss).</summary>
    public abstract float Run();

    /// <summary>
    /// One timed training step inside a tape scope: <paramref name="loss"/> builds the forward graph and returns the
    /// scalar loss, then zero-grad + backward, the optimizer step and the one read-back of the loss; sets
    /// <see cref="LastPhases"/> (the read-back is counted in the optimizer phase).
    /// </summary>
    protected float TrainingStep(Func<Tensor> loss, AdamW optimizer)
    {
        long t0 = Stopwatch.GetTimestamp();
        using var scope = Device.Scope();
        var value = loss();
        long t1 = Stopwatch.GetTimestamp();
        optimizer.ZeroGrad();
        value.Backward();
        long t2 = Stopwatch.GetTimestamp();
        optimizer.Step();
        float result = value.Item();
        LastPhases = (t1 - t0, t2 - t1, Stopwatch.GetTimestamp() - t2);
        return result;
    }

    /// <summary>Builds the workload <paramref name="name"/> (one of <see cref="Names"/>) with dropout <paramref name="dropout"/> where it trains.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static StepWorkload Create(string name, IKernels kernels, float dropout = 0.1f) => name switch
    {
        "classifier" => new ClassifierStep(kernels, new NliClassifierConfig
        {
            Layers = 2, DModel = 256, Heads = 4, Ffn = 1024, Vocab = 8000, MaxPositions = 512, Seed = 1, Dropout = dropout,
        }, 32, 64, frozen: false, "training step, classifier 2L d256 4H FFN 1024, vocab 8k, batch 32 x 64"),
        "minilm-train" => new ClassifierStep(kernels, MiniLm(dropout), 16, 64, frozen: false,
            "training step, MiniLM shape 6L d384 12H FFN 1536, vocab 30,522, batch 16 x 64"),
        "minilm-mask" => new ClassifierStep(kernels, MiniLm(dropout), 16, 64, frozen: true,
            "mask step, MiniLM shape frozen (gate of 72 heads learns, no dropout), batch 16 x 64"),
        "minilm-infer" => new InferencePass(kernels, MiniLm(0f), 32, 64, null, "MiniLM inference, batch 32 x 64, all heads"),
        "minilm-infer-pruned" => new InferencePass(kernels, MiniLm(0f), 32, 64, KeepPerLayer([1, 3, 2, 4, 3, 5]),
            "MiniLM inference, batch 32 x 64, 54 of 72 heads removed"),
        "seq2seq" => new Seq2SeqStep(kernels, dropout),
        _ => throw new ArgumentException($"unknown workload '{name}'; known: {string.Join(", ", Names)}"),
    };

    static NliClassifierConfig MiniLm(float dropout) => new()
    {
        Layers = 6, DModel = 384, Heads = 12, Ffn = 1536, Vocab = 30522, MaxPositions = 512, Seed = 1, Dropout = dropout,
    };

    /// <summary>The first kept[l] heads of each 12-head layer (layer-major head ids), as the DSP run at K = 18 kept them.</summary>
    static int[] KeepPerLayer(int[] kept) => Enumerable.Range(0, kept.Length).SelectMany(l => Enumerable.Range(l * 12, kept[l])).ToArray();

    protected static (int[] Ids, int[] Segments) Tokens2(int batch, int length, int vocab, int seed)
    {
        var rng = new Random(seed);
        var ids = Enumerable.Range(0, batch * length).Select(_ => rng.Next(1, vocab)).ToArray();
        var segments = Enumerable.Range(0, batch * length).Select(i => i % length >= length / 2 ? 1 : 0).ToArray();
        return (ids, segments);
    }

    public virtual void Dispose() => Device.Dispose();

    /// <summary>A classifier training step (AdamW on every weight) or, frozen, a mask step (AdamW on a 72-head gate only).</summary>
    sealed class ClassifierStep : StepWorkload
    {
        readonly NliClassifier model;
        readonly int batch, length;
        readonly int[] ids, segments;
        readonly IntTensor labels;
        readonly AdamW optimizer;
        readonly Parameter? gate;
        readonly string description;

        public ClassifierStep(IKernels kernels, NliClassifierConfig config, int batch, int length, bool frozen, string description) : base(kernels)
        {
            this.batch = batch; this.length = length; this.description = description;
            model = new NliClassifier(Device, config);
            (ids, segments) = Tokens2(batch, length, config.Vocab, 1);
            labels = IntTensor.FromArray(Device, Enumerable.Range(0, batch).Select(i => i % 3).ToArray(), batch);
            if (frozen)
            {
                // As PruningRun's pipelined mask step: the model frozen and in eval mode, only the gate learns.
                foreach (var p in model.Parameters()) p.RequiresGrad = false;
                model.Eval();
                gate = Parameter.FromArray(Device, "gate", Enumerable.Repeat(1f, model.HeadIndex.Count).ToArray(), model.HeadIndex.Count);
                optimizer = new AdamW([gate], 1e-2f, 0f);
            }
            else optimizer = new AdamW(model.Parameters(), 1e-4f, 0.01f);
        }

        public override string Description => description;
        public override int Tokens => batch * length;

        public override float Run() => TrainingStep(() => Ops.CrossEntropy(model.Forward(ids, segments, batch, length, gate), labels), optimizer);

        public override void Dispose()
        {
            optimizer.Dispose(); labels.Dispose(); gate?.Dispose(); model.Dispose();
            base.Dispose();
        }
    }

    /// <summary>A forward pass without gradients (NoGrad), all heads or with heads physically removed.</summary>
    sealed class InferencePass : StepWorkload
    {
        readonly NliClassifier model;
        readonly int batch, length;
        readonly int[] ids, segments;
        readonly string description;

        public InferencePass(IKernels kernels, NliClassifierConfig config, int batch, int length, int[]? keep, string description) : base(kernels)
        {
            this.batch = batch; this.length = length; this.description = description;
            model = new NliClassifier(Device, config);
            model.Eval();
            if (keep is not null) model.PruneHeads(keep);
            (ids, segments) = Tokens2(batch, length, config.Vocab, 1);
        }

        public override string Description => description;
        public override int Tokens => batch * length;

        public override float Run()
        {
            long t0 = Stopwatch.GetTimestamp();
            using var noGrad = NoGrad.Scope();
            using var scope = Device.Scope();
            float value = model.Forward(ids, segments, batch, length).ToArray()[0];
            LastPhases = (Stopwatch.GetTimestamp() - t0, 0, 0);
            return value;
        }

        public override void Dispose()
        {
            model.Dispose();
            base.Dispose();
        }
    }

    /// <summary>A training step of the encoder-decoder: 3 + 3 layers, d 256, 4 heads, FFN 512, vocab 8k, batch 48 x 40.</summary>
    sealed class Seq2SeqStep : StepWorkload
    {
        const int Batch = 48, Length = 40, Vocab = 8000;
        readonly Seq2Seq model;
        readonly int[] source, targetIn, targetOut;
        readonly AdamW optimizer;

        public Seq2SeqStep(IKernels kernels, float dropout) : base(kernels)
        {
            model = new Seq2Seq(Device, new Seq2SeqConfig
            {
                EncoderLayers = 3, DecoderLayers = 3, DModel = 256, Heads = 4, Ffn = 512, SourceVocab = Vocab, TargetVocab = Vocab,
                Dropout = dropout, Seed = 1,
            });
            var rng = new Random(2);
            source = Enumerable.Range(0, Batch * Length).Select(_ => rng.Next(3, Vocab)).ToArray();
            targetIn = Enumerable.Range(0, Batch * Length).Select(_ => rng.Next(3, Vocab)).ToArray();
            targetOut = Enumerable.Range(0, Batch * Length).Select(_ => rng.Next(3, Vocab)).ToArray();
            optimizer = new AdamW(model.Parameters(), 5e-4f, 0.0001f);
        }

        public override string Description => "training step, encoder-decoder 3+3 d256 4H FFN 512, vocab 8k, batch 48 x 40";
        public override int Tokens => 2 * Batch * Length;

        public override float Run() => TrainingStep(() =>
        {
            var (src, mask) = model.SourceTensors(source, Batch, Length);
            var logits = model.Forward(src, mask, model.TargetTensor(targetIn, Batch, Length));
            return Ops.CrossEntropy(Ops.Reshape(logits, Batch * Length, Vocab), Device.Tape.Own(IntTensor.FromArray(Device, targetOut, Batch * Length)));
        }, optimizer);

        public override void Dispose()
        {
            optimizer.Dispose(); model.Dispose();
            base.Dispose();
        }
    }
}
