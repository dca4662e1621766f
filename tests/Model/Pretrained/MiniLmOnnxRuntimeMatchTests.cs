using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NativeDsp.Engine;
using NativeDsp.Model.Pretrained;
using NativeDsp.Model.Pretrained.Import;
using Xunit.Abstractions;

namespace NativeDsp.Tests.Model.Pretrained;

/// <summary>
/// The imported MiniLM against ONNX Runtime running the very same model.onnx on the same token ids:
/// the importer's graph walk, the weight transposes and our BERT forward (embeddings, post-LN, erf GELU,
/// fused attention with padding) all have to be right for the last hidden states to agree.
/// </summary>
[Collection(MiniLmCollection.Name)]
public sealed class MiniLmOnnxRuntimeMatchTests(MiniLmFixture fx, ITestOutputHelper output)
{
    [Fact]
    public void Linear_weights_are_matched_one_to_one_through_the_graph()
    {
        var c = BertConfig.MiniLmL6;
        // Six linear layers per BERT layer are not named initialisers in the export; each must be found once.
        Assert.Equal(6 * c.Layers, fx.Matches.Count);
        Assert.Equal(fx.Matches.Count, fx.Matches.Select(m => m.WeightInitializer).Distinct().Count());
        Assert.Equal(fx.Matches.Count, fx.Matches.Select(m => m.MatMulNode).Distinct().Count());
        foreach (var m in fx.Matches)
        {
            Assert.Equal(m.HfWeight[..^".weight".Length] + ".bias", m.BiasInitializer);
            output.WriteLine($"{m.HfWeight} <- {m.WeightInitializer} (MatMul {m.MatMulNode}, Add {m.AddNode})");
        }
        // The transposed weight keeps [out, in]: FFN fc1 is [1536, 384], fc2 [384, 1536].
        Assert.Equal([c.IntermediateSize, c.HiddenSize], fx.Model.Weights["encoder.layer.3.intermediate.dense.weight"].Shape.ToArray());
        Assert.Equal([c.HiddenSize, c.IntermediateSize], fx.Model.Weights["encoder.layer.3.output.dense.weight"].Shape.ToArray());
        // Embeddings 30522*384 + 512*384 + 2*384 + 2*384 = 11,918,592; per layer 4*(384*384+384) + (384*1536+1536)
        // + (1536*384+384) + 4*384 = 1,774,464; six layers: 22,565,376 (all-MiniLM-L6-v2's 22.7M less its unused pooler).
        Assert.Equal(22_565_376, fx.Encoder.ParameterCount);
    }

    [Fact]
    public void Last_hidden_state_matches_onnx_runtime_with_padding()
    {
        string[] sentences =
        [
            "A man is playing a guitar.",
            "The quick brown fox jumps over the lazy dog while the farmer, who had been awake since dawn, watches.",
            "Hi!",
            "Crème brûlée is a French dessert.",
        ];
        var (ids, types, mask, length) = fx.Batch(sentences);
        int batch = sentences.Length, d = fx.Model.Config.HiddenSize;
        Assert.Contains(0, mask); // the batch really has padding

        float[] ours;
        using (fx.Device.Scope())
        using (NoGrad.Scope())
            ours = fx.Encoder.Forward(ids, types, mask, batch, length).ToArray();

        using var session = new InferenceSession(MiniLmImporter.ReadModelBytes());
        var dims = new[] { batch, length };
        DenseTensor<long> Long(int[] a) => new(a.Select(v => (long)v).ToArray(), dims);
        var available = new Dictionary<string, DenseTensor<long>>
        {
            ["input_ids"] = Long(ids), ["attention_mask"] = Long(mask), ["token_type_ids"] = Long(types),
        };
        var inputs = session.InputMetadata.Keys.Select(k => NamedOnnxValue.CreateFromTensor(k, available[k])).ToList();
        using var results = session.Run(inputs);
        var reference = results.First(r => r.Name == "last_hidden_state").AsTensor<float>().ToArray();
        Assert.Equal(ours.Length, reference.Length);

        double maxAll = 0, maxReal = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            double diff = Math.Abs(ours[i] - reference[i]);
            maxAll = Math.Max(maxAll, diff);
            if (mask[i / d] == 1) maxReal = Math.Max(maxReal, diff);
        }
        output.WriteLine($"batch {batch} x {length} tokens: max |ours - ORT| = {maxReal:E2} on real tokens, {maxAll:E2} including padding");
        // 1e-4 is the bar: both sides are fp32 with different summation orders (our GEMM and
        // attention kernels vs MLAS) through 6 layers of LayerNorm-rescaled activations of magnitude ~1-10.
        // Padded positions attend only to real keys on both sides (an additive -inf/-large mask), so they match too.
        Assert.True(maxAll < 1e-4, $"max abs difference {maxAll:E3} (real tokens {maxReal:E3}) exceeds 1e-4");
    }
}
