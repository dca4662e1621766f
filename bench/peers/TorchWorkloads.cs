using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NativeDsp.Bench.Peers;

/// <summary>
/// The workloads of <see cref="StepWorkload"/> on libtorch, step for step: forward, loss, backward, AdamW
/// (weight decay as NativeDsp's), one loss read-back. The frozen mask step freezes every weight (no gradient,
/// no optimizer state), evaluates without dropout and learns a 72-head gate, as PruningRun does.
/// </summary>
public sealed class TorchWorkload : IDisposable
{
    readonly Func<float> step;
    readonly IDisposable? owner;

    TorchWorkload(Func<float> step, IDisposable? owner) { this.step = step; this.owner = owner; }

    /// <summary>One unit of work; returns the loss (or an output value for inference).</summary>
    public float Run()
    {
        using var scope = NewDisposeScope();
        return step();
    }

    public void Dispose() => owner?.Dispose();

    static (Tensor Ids, Tensor Segments, Tensor Labels) Inputs(int batch, int length, int vocab)
    {
        var rng = new Random(1);
        var ids = tensor(Enumerable.Range(0, batch * length).Select(_ => (long)rng.Next(1, vocab)).ToArray()).view(batch, length);
        var segs = tensor(Enumerable.Range(0, batch * length).Select(i => i % length >= length / 2 ? 1L : 0L).ToArray()).view(batch, length);
        var labels = tensor(Enumerable.Range(0, batch).Select(i => (long)(i % 3)).ToArray());
        return (ids.DetachFromDisposeScope(), segs.DetachFromDisposeScope(), labels.DetachFromDisposeScope());
    }

    /// <summary>The workload <paramref name="name"/> (see <see cref="StepWorkload.Names"/>), or null where there is no peer version.</summary>
    public static TorchWorkload? Create(string name, double dropout)
    {
        switch (name)
        {
            case "classifier": return Train(new TorchClassifier(2, 256, 4, 1024, 8000, dropout), 32, 64, 8000, frozen: false);
            case "minilm-train": return Train(new TorchClassifier(6, 384, 12, 1536, 30522, dropout), 16, 64, 30522, frozen: false);
            case "minilm-mask": return Train(new TorchClassifier(6, 384, 12, 1536, 30522, dropout), 16, 64, 30522, frozen: true);
            case "minilm-infer":
            {
                var model = new TorchClassifier(6, 384, 12, 1536, 30522, 0);
                var (ids, segs, _) = Inputs(32, 64, 30522);
                return new TorchWorkload(() =>
                {
                    using var noGrad = no_grad();
                    return model.Forward(ids, segs, null, training: false)[0, 0].item<float>();
                }, null);
            }
            case "seq2seq":
            {
                const int batch = 48, length = 40, vocab = 8000;
                var model = new TorchSeq2Seq(3, 256, 4, 512, vocab, dropout);
                var rng = new Random(2);
                Tensor Ids() => tensor(Enumerable.Range(0, batch * length).Select(_ => (long)rng.Next(3, vocab)).ToArray()).view(batch, length).DetachFromDisposeScope();
                var (src, tin, tout) = (Ids(), Ids(), Ids());
                var optimizer = optim.AdamW(model.Params.All, 5e-4, weight_decay: 0.0001);
                return new TorchWorkload(() =>
                {
                    var loss = F.cross_entropy(model.Forward(src, tin).view(batch * length, vocab), tout.view(batch * length));
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    return loss.item<float>();
                }, optimizer);
            }
            default: return null;
        }
    }

    static TorchWorkload Train(TorchClassifier model, int batch, int length, int vocab, bool frozen)
    {
        var (ids, segs, labels) = Inputs(batch, length, vocab);
        Parameter? gate = null;
        IEnumerable<Parameter> trained = model.Params.All;
        if (frozen)
        {
            foreach (var p in model.Params.All) p.requires_grad = false;
            gate = new Parameter(ones(model.Heads), requires_grad: true);
            trained = [gate];
        }
        var optimizer = optim.AdamW(trained, frozen ? 1e-2 : 1e-4, weight_decay: frozen ? 0 : 0.01);
        return new TorchWorkload(() =>
        {
            var loss = F.cross_entropy(model.Forward(ids, segs, gate, training: !frozen), labels);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }, optimizer);
    }
}
