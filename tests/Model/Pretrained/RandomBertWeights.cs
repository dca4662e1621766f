using NativeDsp.Engine;
using NativeDsp.Model.Pretrained;

namespace NativeDsp.Tests.Model.Pretrained;

/// <summary>Uniform random weights for every encoder tensor of a BERT config, Hugging Face names (checkpoint tests).</summary>
public static class RandomBertWeights
{
    public static Dictionary<string, HostTensor> For(BertConfig config, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        return BertLayout.Encoder(config).ToDictionary(t => t.HfName,
            t => new HostTensor(new Shape(t.Shape), Enumerable.Range(0, t.Shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(rng.NextDouble() - 0.5) * scale).ToArray()));
    }
}
