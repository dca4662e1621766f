using NativeDsp.Engine;
using NativeDsp.Experiments.Export;
using NativeDsp.Model.Transformer;
using NativeDsp.Tests.Experiments.Data;
using NativeDsp.Tests.Model.Pretrained;
using Onnx;
using Xunit.Abstractions;

namespace NativeDsp.Tests.Experiments.Export;

/// <summary>
/// The MiniLM-shaped NLI classifier (MiniLM's encoder, a seeded pooler and head) exported to ONNX and run by
/// ONNX Runtime on sentence pairs with padding: its logits must match NativeDsp's to 1e-4, unpruned and with
/// heads physically removed (including a layer left with none).
/// </summary>
[Collection(MiniLmCollection.Name)]
public sealed class ClassifierOnnxExportTests(MiniLmFixture fx, ITestOutputHelper output)
{
    static readonly (string, string)[] Pairs =
    [
        ("A man is playing a guitar on the stage.", "Someone makes music."),
        ("The cat sleeps.", "A dog barks loudly at the postman who arrives every morning at eight."),
        ("Crème brûlée is a French dessert.", "It is sweet."),
    ];

    [Fact]
    public void Unpruned_minilm_classifier_matches_onnx_runtime() => Check(keep: null);

    [Fact]
    public void Pruned_minilm_classifier_matches_onnx_runtime_and_its_heads_are_absent()
    {
        // 72 heads: keep a scattered 29, and none of layer 4 (heads 48-59), so a layer's attention is its bias alone.
        var keep = Enumerable.Range(0, 72).Where(h => h / 12 != 4 && (h * 7 + 3) % 5 < 2).ToArray();
        var graph = Check(keep);
        int headDim = 32;
        for (int layer = 0; layer < 6; layer++)
        {
            int kept = keep.Count(h => h / 12 == layer);
            var q = graph.Initializer.SingleOrDefault(t => t.Name == $"encoder.layers.{layer}.self_attn.q_proj.weight");
            if (kept == 0)
            {
                Assert.Null(q); // no Q/K/V at all in a layer without heads
                continue;
            }
            Assert.Equal([384L, kept * headDim], q!.Dims.ToArray()); // stored [in, out] as torch.onnx does
            var o = graph.Initializer.Single(t => t.Name == $"encoder.layers.{layer}.self_attn.out_proj.weight");
            Assert.Equal([(long)kept * headDim, 384L], o.Dims.ToArray());
        }
    }

    GraphProto Check(int[]? keep)
    {
        using var model = fx.Model.CreateNliClassifier(fx.Device, classes: 3, dropout: 0.1f, seed: 5);
        model.Eval();
        if (keep is not null) model.PruneHeads(keep);
        var tok = fx.Tokenizer;
        var encoded = Pairs.Select(p => (tok.Encode(p.Item1).ToArray(), tok.Encode(p.Item2).ToArray())).ToList();
        var (ids, segments, length) = NliInput.Pack(encoded, tok.ClassificationId, tok.SeparatorId, tok.PadId, 64);
        var mask = ids.Select(i => i == tok.PadId ? 0 : 1).ToArray();
        Assert.Contains(0, mask);
        int batch = Pairs.Length;

        float[] ours;
        using (fx.Device.Scope())
        using (NoGrad.Scope())
            ours = model.Forward(ids, segments, batch, length).ToArray();

        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "model.onnx");
        var proto = OnnxClassifierExport.Build(model);
        OnnxGraphBuilder.Save(proto, path);
        Assert.Equal(OnnxGraphBuilder.Opset, proto.OpsetImport.Single().Version);
        var dims = new[] { batch, length };
        var onnx = OnnxRuntimeRunner.Run(path, "logits", new Dictionary<string, (Array, int[])>
        {
            ["input_ids"] = (ids, dims), ["attention_mask"] = (mask, dims), ["token_type_ids"] = (segments, dims),
        });
        double diff = OnnxRuntimeRunner.MaxDiff(ours, onnx);
        output.WriteLine($"{model.HeadIndex.Count}/72 heads, {new FileInfo(path).Length / 1e6:0.0} MB: max |NativeDsp - ORT| logits = {diff:E2} (logits up to {ours.Max(Math.Abs):0.###})");
        // 1e-4, the bar: both sides are fp32 through 6 layers with different summation orders
        // (MiniLM's own graph in ORT matches our encoder to ~1e-5 on the hidden states); the logits are O(1).
        Assert.True(diff < 1e-4, $"max |diff| {diff:E2}");
        return proto.Graph;
    }
}
