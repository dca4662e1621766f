using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NativeDsp.Engine;
using NativeDsp.Experiments.Export;
using NativeDsp.Kernels.Host;
using NativeDsp.Model.Transformer;
using Google.Protobuf;

namespace NativeDsp.Bench;

/// <summary>
/// What a pruned model is worth where it is deployed: ONNX Runtime (CPU, default session options) running the
/// exported NLI classifier of MiniLM's shape (6 layers x 12 heads = 72, d 384, FFN 1536; random weights: speed does
/// not depend on their values) on 32 pairs x 64 tokens, with all heads and with K heads kept and the others
/// physically absent from the graph (<see cref="OnnxClassifierExport"/>). The heads kept per layer are those of
/// <see cref="PrunedInferenceBenchmarks"/> (a DSP run at K = 18). Only attention shrinks, which bounds the speed-up.
/// Run: <c>dotnet run -c Release --project bench -- --filter '*OnnxRuntimePruned*'</c>.
/// </summary>
[Config(typeof(TrainingStepConfig))]
public class OnnxRuntimePrunedBenchmarks
{
    const int Batch = 32, Length = 64;

    InferenceSession full = null!, pruned = null!;
    List<NamedOnnxValue> inputs = null!;

    /// <summary>Heads kept of 72: 18 (25%) and 36 (50%).</summary>
    [Params(18, 36)]
    public int K { get; set; }

    static byte[] Export(int[]? keep)
    {
        using var device = new Device(new HostKernels());
        using var model = PrunedInferenceBenchmarks.Build(device);
        model.Eval();
        if (keep is not null) model.PruneHeads(keep);
        return OnnxClassifierExport.Build(model).ToByteArray();
    }

    [GlobalSetup]
    public void Setup()
    {
        full = new InferenceSession(Export(null));
        pruned = new InferenceSession(Export(PrunedInferenceBenchmarks.Keep(K)));
        var rng = new Random(1);
        var dims = new[] { Batch, Length };
        var ids = Enumerable.Range(0, Batch * Length).Select(_ => (long)rng.Next(1000, 30522)).ToArray();
        var mask = Enumerable.Repeat(1L, Batch * Length).ToArray();
        var types = Enumerable.Range(0, Batch * Length).Select(i => i % Length >= Length / 2 ? 1L : 0L).ToArray();
        inputs =
        [
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, dims)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, dims)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(types, dims)),
        ];
    }

    float Run(InferenceSession session)
    {
        using var results = session.Run(inputs);
        return results.First().AsTensor<float>().GetValue(0);
    }

    [Benchmark(Baseline = true, Description = "ORT, all 72 heads")]
    public float AllHeads() => Run(full);

    [Benchmark(Description = "ORT, K heads kept, others removed")]
    public float Pruned() => Run(pruned);

    [GlobalCleanup]
    public void Cleanup()
    {
        full.Dispose();
        pruned.Dispose();
    }
}
