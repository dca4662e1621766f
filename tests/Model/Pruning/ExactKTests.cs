using NativeDsp.Engine;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Training;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Tests.Model.Pruning;

/// <summary>
/// DSP, STE and Michel keep exactly K heads for every K from 1 to all heads, globally and per module,
/// also when the logits tie; the training masks of DSP and STE carry K as well.
/// </summary>
public class ExactKTests
{
    static NliClassifier Model(Device device) => new(device, new NliClassifierConfig
    {
        Layers = 3, DModel = 12, Heads = 4, Ffn = 16, Vocab = 10, MaxPositions = 8, Dropout = 0f, Seed = 3,
    });

    [Fact]
    public void DspAndSteKeepExactlyKForEveryK()
    {
        using var device = new Device(TestBackends.Host);
        using var model = Model(device);
        var index = model.HeadIndex;
        for (int k = 1; k <= index.Count; k++)
        {
            using var dsp = new DspPruner(device, index, HeadBudget.Global(k), new DspOptions { Temperature = new TemperatureSchedule(10, 0.01, 100), Seed = (ulong)k });
            using var ste = new StePruner(device, index, HeadBudget.Global(k), seed: (ulong)k);
            Assert.Equal(k, dsp.FinalKeep().Count(x => x));
            Assert.Equal(k, ste.FinalKeep().Count(x => x));
            // The hard top-K keeps the K largest w.
            var w = dsp.Logits.ToArray();
            float threshold = w.OrderByDescending(x => x).ElementAt(k - 1);
            Assert.All(HeadSelection.Ids(dsp.FinalKeep()), h => Assert.True(w[h] >= threshold));
            using (device.Scope())
            {
                // Training masks: STE is exactly K-hot, DSP's relaxation sums to K (float32 rounding of 12 terms).
                var steMask = ste.Mask(1, training: true).ToArray();
                Assert.Equal(k, steMask.Count(x => x == 1f));
                Assert.Equal(index.Count - k, steMask.Count(x => x == 0f));
                foreach (long step in new long[] { 1, 50, 100, 1000 })
                {
                    var soft = dsp.Mask(step, training: true).ToArray();
                    // Entries are >= 0 but not bounded by 1: the correction log(1 - p) of a head that took only
                    // part of an iteration's mass does not stop it from winning a later one (e.g. p = 0.6, 0, 1
                    // gives 1.6), in exact arithmetic and in the reference code alike. The sum is K.
                    Assert.All(soft, x => Assert.True(x >= 0f, $"negative mask entry {x}"));
                    Assert.InRange(soft.Sum(), k - 1e-4, k + 1e-4);
                }
                Assert.Equal(HeadSelection.ToGate(dsp.FinalKeep()), dsp.Mask(5, training: false).ToArray());
            }
        }
    }

    [Fact]
    public void TiesStillGiveExactlyKLowerIdsFirst()
    {
        using var device = new Device(TestBackends.Host);
        using var model = Model(device);
        var index = model.HeadIndex;
        for (int k = 1; k <= index.Count; k++)
        {
            using var dsp = new DspPruner(device, index, HeadBudget.Global(k));
            Init.Constant(dsp.Logits, 0.25f);
            Assert.Equal(Enumerable.Range(0, k), HeadSelection.Ids(dsp.FinalKeep()));
        }
    }

    [Fact]
    public void PerModuleBudgetKeepsKlInEachModule()
    {
        using var device = new Device(TestBackends.Host);
        using var model = Model(device);
        var index = model.HeadIndex;
        for (int k = 1; k <= index.Count; k++)
        {
            var budget = HeadBudget.SplitPerModule(index, k);
            Assert.Equal(k, budget.Total);
            using var dsp = new DspPruner(device, index, budget, new DspOptions { Temperature = new TemperatureSchedule(1, 0.01, 10), Seed = 9 });
            using var ste = new StePruner(device, index, budget, seed: 9);
            foreach (var keep in new[] { dsp.FinalKeep(), ste.FinalKeep() })
                for (int m = 0; m < index.Groups.Count; m++)
                {
                    var g = index.Groups[m];
                    Assert.Equal(budget.Modules![m], keep.Skip(g.Offset).Take(g.Count).Count(x => x));
                }
            using (device.Scope())
            {
                var soft = dsp.Mask(3, training: true).ToArray();
                for (int m = 0; m < index.Groups.Count; m++)
                {
                    var g = index.Groups[m];
                    Assert.InRange(soft.Skip(g.Offset).Take(g.Count).Sum(), budget.Modules![m] - 1e-4, budget.Modules[m] + 1e-4);
                }
            }
        }
        Assert.Equal(new[] { 2, 2, 1 }, HeadBudget.SplitPerModule(index, 5).Modules);
        Assert.Throws<ArgumentException>(() => new DspPruner(device, index, HeadBudget.PerModule(5, 0, 0)));
    }

    [Fact]
    public void MichelKeepsExactlyKForEveryKWithCoarseSteps()
    {
        using var device = new Device(TestBackends.Host);
        using var model = Model(device);
        model.Eval();
        var index = model.HeadIndex;
        var rng = new System.Random(2);
        var ids = Enumerable.Range(0, 8 * 5).Select(i => i % 5 == 0 ? 1 : rng.Next(3, 10)).ToArray();
        var labels = Enumerable.Range(0, 8).Select(_ => rng.Next(3)).ToArray();
        BatchLoss Loss(int b, Tensor gate)
        {
            var target = device.Tape.Own(IntTensor.FromArray(device, labels, 8));
            return new(Ops.CrossEntropy(model.Forward(ids, null, 8, 5, gate), target), 40);
        }
        for (int k = 1; k <= index.Count; k++)
        {
            using var michel = new MichelPruner(device, index, HeadBudget.Global(k), Loss, batches: 1, stepHeads: MichelPruner.StepFor(index, 0.25));
            var keep = michel.FinalKeep();
            Assert.Equal(k, keep.Count(x => x));
            // Steps of 3 heads, the last one cut short: 12, 9, 6, ..., then exactly k.
            var counts = michel.Curve.Select(s => s.HeadsKept).ToList();
            Assert.Equal(k, counts[^1]);
            Assert.All(counts.Zip(counts.Skip(1)), p => Assert.InRange(p.First - p.Second, 1, 3));
        }
        using var perModule = new MichelPruner(device, index, HeadBudget.PerModule(1, 0, 2), Loss, 1, stepHeads: 2);
        var kept = perModule.FinalKeep();
        Assert.Equal(new[] { 1, 0, 2 }, index.Groups.Select(g => kept.Skip(g.Offset).Take(g.Count).Count(x => x)));
    }
}
