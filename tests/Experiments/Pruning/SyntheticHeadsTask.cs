using NativeDsp.Engine;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Training;
using NativeDsp.Model.Transformer;
using NativeDsp.Experiments.Pruning;
using NativeDsp.Tests.Model;

namespace NativeDsp.Tests.Experiments.Pruning;

/// <summary>
/// A task where only known heads can carry the signal. Sequences are [CLS] a b c (tokens 3..11) and the
/// label is (a - 3) mod 3, so the [CLS] position can only learn a through attention. A 2-layer pre-LN
/// classifier with 4 heads per layer (8 heads) is trained with the value projections (weights and biases)
/// of every head but <see cref="UsefulHeads"/> held at zero after each update: those heads output exactly
/// zero whatever their gate, so only the useful head matters, and a mask that misses it loses the task.
/// (With two useful heads one of them alone already solved the task, so "which heads" had no single
/// answer; one useful head, in the second layer so that module offsets matter, makes the answer unique.)
/// </summary>
public sealed class SyntheticHeadsTask : IDisposable
{
    public static readonly int[] UsefulHeads = [6]; // layer 1, head 2
    public const int Length = 4;
    const int Vocab = 12;

    public SyntheticHeadsTask(int pretrainSteps = 600)
    {
        Device = new Device(TestBackends.Host);
        Model = new NliClassifier(Device, new NliClassifierConfig
        {
            Layers = 2, DModel = 16, Heads = 4, Ffn = 32, Vocab = Vocab, MaxPositions = 8, Dropout = 0f, Seed = 7, PreNorm = true,
        });
        var rng = new System.Random(11);
        Train = Examples(512, rng);
        Valid = Examples(256, rng);
        ZeroUselessValues();
        Task = new PruningTask<(int[] Ids, int Label)>
        {
            Model = Model,
            Train = Train,
            Loss = (batch, gate) => new BatchLoss(Loss(batch, gate), batch.Count * Length),
            Evaluate = gate => (Accuracy(gate), Valid.Count * Length),
        };
        if (pretrainSteps > 0)
        {
            using var opt = new AdamW(Model.Parameters(), 5e-3f, 0f);
            var order = new System.Random(5);
            for (int step = 0; step < pretrainSteps; step++)
            {
                var batch = Enumerable.Range(0, 32).Select(_ => Train[order.Next(Train.Count)]).ToList();
                using (Device.Scope())
                {
                    var loss = Loss(batch, null);
                    opt.ZeroGrad();
                    loss.Backward();
                    opt.Step();
                }
                ZeroUselessValues();
            }
        }
    }

    public Device Device { get; }
    public NliClassifier Model { get; }
    public List<(int[] Ids, int Label)> Train { get; }
    public List<(int[] Ids, int Label)> Valid { get; }
    public PruningTask<(int[] Ids, int Label)> Task { get; }

    static List<(int[] Ids, int Label)> Examples(int n, System.Random rng) =>
        Enumerable.Range(0, n).Select(_ =>
        {
            int[] ids = [1, rng.Next(3, Vocab), rng.Next(3, Vocab), rng.Next(3, Vocab)];
            return (ids, (ids[1] - 3) % 3);
        }).ToList();

    public Tensor Logits(IReadOnlyList<(int[] Ids, int Label)> batch, Tensor? gate) =>
        Model.Forward(batch.SelectMany(e => e.Ids).ToArray(), null, batch.Count, Length, gate);

    Tensor Loss(IReadOnlyList<(int[] Ids, int Label)> batch, Tensor? gate)
    {
        var labels = Device.Tape.Own(IntTensor.FromArray(Device, batch.Select(e => e.Label).ToArray(), batch.Count));
        return Ops.CrossEntropy(Logits(batch, gate), labels);
    }

    /// <summary>Validation accuracy under <paramref name="gate"/>, in evaluation mode without gradients.</summary>
    public double Accuracy(Tensor? gate)
    {
        using var noGrad = NoGrad.Scope();
        using var scope = Device.Scope();
        return ModelTestKit.Accuracy3(Logits(Valid, gate).ToArray(), Valid.Select(e => e.Label).ToList());
    }

    public double AccuracyKeeping(IEnumerable<int> heads)
    {
        using var gate = Model.HeadIndex.GateTensor(Device, Model.HeadIndex.MaskKeeping(heads));
        return Accuracy(gate);
    }

    void ZeroUselessValues()
    {
        var index = Model.HeadIndex;
        for (int h = 0; h < index.Count; h++)
        {
            if (UsefulHeads.Contains(h)) continue;
            var (g, local) = index.Locate(h);
            ModelTestKit.ZeroHeadValues(g.Module, local);
        }
    }

    public void Dispose()
    {
        Model.Dispose();
        Device.Dispose();
    }
}
