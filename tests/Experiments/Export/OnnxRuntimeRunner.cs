using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace NativeDsp.Tests.Experiments.Export;

/// <summary>Runs an exported ONNX file in ONNX Runtime (CPU) with int64 and float inputs and returns one output.</summary>
public static class OnnxRuntimeRunner
{
    public static float[] Run(string path, string output, IReadOnlyDictionary<string, (Array Values, int[] Dims)> inputs)
    {
        using var session = new InferenceSession(path);
        // Every graph input must be fed and nothing else: a renamed or missing input fails here.
        Assert.Equal(inputs.Keys.Order(), session.InputMetadata.Keys.Order());
        var values = inputs.Select(kv => kv.Value.Values switch
        {
            int[] ints => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<long>(ints.Select(v => (long)v).ToArray(), kv.Value.Dims)),
            float[] floats => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<float>(floats, kv.Value.Dims)),
            _ => throw new ArgumentException($"input {kv.Key}: only int and float arrays"),
        }).ToList();
        using var results = session.Run(values);
        return results.Single(r => r.Name == output).AsTensor<float>().ToArray();
    }

    /// <summary>max |a - b| (the arrays must have the same length).</summary>
    public static double MaxDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
