using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Training;
using NativeDsp.Model.Transformer;
using static NativeDsp.Tests.Model.ModelTestKit;
using NativeDsp.Experiments.Pruning;

namespace NativeDsp.Tests.Experiments.Pruning;

/// <summary>
/// The heads a pruner keeps, removed physically, give the model that the 0/1 mask gives; a whole run
/// (train, learn the mask, prune, fine-tune, save) reports sizes and speeds and writes its files.
/// </summary>
public class PhysicalPruningTests
{
    /// <summary>
    /// As in the model tests: the pruned projections sum over fewer exactly-zero terms, so only float32
    /// summation order differs (~1e-7 relative per op); 1e-5 is the requirement, a wrong head gives O(0.1).
    /// </summary>
    const double Tolerance = 1e-5;

    static NliClassifierConfig Config(ulong seed) => new()
    {
        Layers = 3, DModel = 24, Heads = 4, Ffn = 32, Vocab = 30, MaxPositions = 16, Dropout = 0f, Seed = seed,
    };

    public static TheoryData<string, bool> Methods => new() { { "dsp", false }, { "dsp", true }, { "ste", false }, { "voita", true } };

    [Theory, MemberData(nameof(Methods))]
    public void PrunedModelEqualsMaskedModelOnRandomInputs(string method, bool perModule)
    {
        using var device = new Device(TestBackends.Host);
        for (ulong seed = 1; seed <= 2; seed++)
        {
            using var model = new NliClassifier(device, Config(seed));
            model.Eval();
            var index = model.HeadIndex;
            var budget = perModule ? HeadBudget.SplitPerModule(index, 5) : HeadBudget.Global(5);
            using IHeadPruner pruner = method switch
            {
                "dsp" => new DspPruner(device, index, budget, new DspOptions { Seed = seed }),
                "ste" => new StePruner(device, index, budget, seed: seed),
                _ => new HardConcretePruner(device, index, budget, new HardConcreteOptions { Seed = seed }),
            };
            if (pruner is HardConcretePruner hc) hc.Logits.CopyFrom(RandomFloats(index.Count, (int)seed, 3f));
            var rng = new System.Random((int)seed);
            const int b = 4, t = 9;
            var ids = RandomInts(b * t, 3, 30, rng);
            var segments = Enumerable.Range(0, b * t).Select(i => i % t > 4 ? 1 : 0).ToArray();
            ids[t - 1] = ids[t - 2] = 0; // padding
            float[] masked;
            using (device.Scope()) masked = model.Forward(ids, segments, b, t, pruner.Mask(1, training: false)).ToArray();
            var keep = HeadSelection.Ids(pruner.FinalKeep());
            Assert.Equal(5, keep.Length);
            long before = model.ParameterCount;
            model.PruneHeads(keep);
            Assert.Equal(5, model.HeadIndex.Count);
            // 7 heads of q, k, v (weights and biases) and out_proj columns go: 4 * 7 * (6 * 24) + 3 * 7 * 6.
            Assert.Equal(before - (4 * 7 * 6 * 24 + 3 * 7 * 6), model.ParameterCount);
            float[] pruned;
            using (device.Scope()) pruned = model.Forward(ids, segments, b, t).ToArray();
            AssertClose(masked, pruned, Tolerance, $"{method} per-module {perModule} seed {seed}");
        }
    }

    [Fact]
    public void RunPrunesFinetunesSavesAndReports()
    {
        using var task = new SyntheticHeadsTask(pretrainSteps: 0);
        string dir = Path.Combine(Path.GetTempPath(), $"nativedsp-pruning-{Guid.NewGuid():N}");
        try
        {
            using var dsp = new DspPruner(task.Device, task.Model.HeadIndex, HeadBudget.Global(2),
                                          new DspOptions { Temperature = new TemperatureSchedule(1, 0.01, 20), LearningRate = 0.1f });
            var result = PruningRun.Run(task.Task, dsp, new PruningRunOptions
            {
                Setting = PruningSetting.Joint, TrainSteps = 30, FinetuneSteps = 10, BatchSize = 16, ModelLearningRate = 3e-3f,
                SnapshotEvery = 10, OutputDirectory = dir,
            });
            Assert.Equal(2, result.KeptCount);
            Assert.Equal(8, result.Heads);
            Assert.Equal(2, task.Model.HeadIndex.Count);
            Assert.True(result.ParametersPruned < result.ParametersMasked);
            Assert.Equal(task.Model.ParameterCount, result.ParametersPruned);
            // Masked and pruned models compute the same function, so the same accuracy.
            Assert.Equal(result.MaskedMetric, result.PrunedMetric, 6);
            Assert.NotNull(result.FinetunedMetric);
            Assert.True(result.MaskedTokensPerSecond > 0 && result.PrunedTokensPerSecond > 0);
            var saved = SafetensorsFile.Read(result.SavedModelPath!);
            Assert.Equal(string.Join(",", result.Kept), saved.Metadata["kept_heads"]);
            Assert.Equal(task.Model.StateDict().Count, saved.Tensors.Count);
            var lines = File.ReadAllLines(result.SnapshotPath!);
            Assert.Equal("step,head,module,local,score,mask", lines[0]);
            Assert.Equal(1 + 4 * 8, lines.Length); // steps 0, 10, 20, 30
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
