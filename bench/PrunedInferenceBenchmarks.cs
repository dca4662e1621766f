using BenchmarkDotNet.Attributes;
using NativeDsp.Engine;
using NativeDsp.Kernels.Host;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Bench;

/// <summary>
/// What pruning heads buys at inference: the forward pass of an NLI classifier of MiniLM's shape (6 layers x 12
/// heads = 72, d 384, FFN 1536; random weights: speed does not depend on their values) on 32 pairs x 64 tokens,
/// with every head, with K heads masked by a 0/1 gate (what a run measures before removal: no faster), and with
/// the same K heads physically removed (smaller Q/K/V/O projections and fewer attention heads). The ratio is
/// against all heads in the same run. The heads kept are spread over the layers as a DSP run at K = 18 kept them
/// (1, 3, 2, 4, 3, 5 per layer: experiments/results/nli-pretrained). Only attention shrinks: the FFN, embeddings
/// and layer norms are untouched, which bounds the speed-up.
/// Run: <c>dotnet run -c Release --project bench -- --filter '*PrunedInference*'</c>.
/// </summary>
[Config(typeof(TrainingStepConfig))]
public class PrunedInferenceBenchmarks
{
    const int Batch = 32, Length = 64, Layers = 6, Heads = 12;
    static readonly int[] KeptPerLayer18 = [1, 3, 2, 4, 3, 5];

    Device device = null!;
    NliClassifier full = null!, pruned = null!;
    Tensor gate = null!;
    int[] ids = null!, segments = null!;

    /// <summary>Heads kept of 72: 18 (25%, the paper's and issue 9's K) and 36 (50%, twice 1..5 per layer + 6).</summary>
    [Params(18, 36)]
    public int K { get; set; }

    /// <summary>The benchmarked classifier (6 layers x 12 heads, d 384, seed 1), also exported by <see cref="OnnxRuntimePrunedBenchmarks"/>.</summary>
    internal static NliClassifier Build(Device device) => new(device, new NliClassifierConfig
    {
        Layers = Layers, DModel = 384, Heads = Heads, Ffn = 1536, Vocab = 30522, MaxPositions = 512, Seed = 1, Dropout = 0f,
    });

    /// <summary>The first kept[l] heads of each layer (head ids are layer-major in the classifier's index).</summary>
    internal static int[] Keep(int k)
    {
        var perLayer = k == 18 ? KeptPerLayer18 : KeptPerLayer18.Select(n => Math.Min(Heads, 2 * n)).ToArray();
        if (perLayer.Sum() != k) perLayer[^1] += k - perLayer.Sum();
        return Enumerable.Range(0, Layers).SelectMany(l => Enumerable.Range(l * Heads, perLayer[l])).ToArray();
    }

    [GlobalSetup]
    public void Setup()
    {
        device = new Device(new HostKernels());
        full = Build(device);
        pruned = Build(device);
        full.Eval();
        pruned.Eval();
        var keep = Keep(K);
        gate = full.HeadIndex.GateTensor(device, full.HeadIndex.MaskKeeping(keep));
        pruned.PruneHeads(keep);
        var rng = new Random(1);
        ids = Enumerable.Range(0, Batch * Length).Select(_ => rng.Next(1000, 30522)).ToArray();
        segments = Enumerable.Range(0, Batch * Length).Select(i => i % Length >= Length / 2 ? 1 : 0).ToArray();
    }

    float Forward(NliClassifier model, Tensor? mask)
    {
        using var noGrad = NoGrad.Scope();
        using var scope = device.Scope();
        return model.Forward(ids, segments, Batch, Length, mask).ToArray()[0];
    }

    [Benchmark(Baseline = true, Description = "all 72 heads")]
    public float AllHeads() => Forward(full, null);

    [Benchmark(Description = "K heads masked (gate)")]
    public float Masked() => Forward(full, gate);

    [Benchmark(Description = "K heads kept, others removed")]
    public float Pruned() => Forward(pruned, null);

    [GlobalCleanup]
    public void Cleanup()
    {
        gate.Dispose();
        pruned.Dispose();
        full.Dispose();
        device.Dispose();
    }
}
