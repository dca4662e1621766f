using NativeDsp.Engine;
using Xunit.Abstractions;
using NativeDsp.Model.Transformer;
using static NativeDsp.Tests.Model.ModelTestKit;

namespace NativeDsp.Tests.Model;

/// <summary>The BERT-style NLI classifier on the Host backend: learning, names, init, input packing.</summary>
public class NliClassifierTests(ITestOutputHelper output)
{
    static NliClassifierConfig Small(ulong seed = 1) => new()
    {
        Layers = 2, DModel = 32, Heads = 4, Ffn = 64, Vocab = 40, MaxPositions = 32, Dropout = 0f, Seed = seed,
    };

    /// <summary>64 random pairs with random labels (no pattern to generalise): only memorisation gets 100%.</summary>
    [Fact]
    public void MemorisesSixtyFourRandomExamples()
    {
        using var device = HostDevice();
        using var model = new NliClassifier(device, Small());
        var rng = new System.Random(3);
        var pairs = Enumerable.Range(0, 64)
            .Select(_ => (RandomInts(rng.Next(2, 7), 3, 40, rng), RandomInts(rng.Next(2, 7), 3, 40, rng))).ToList();
        var labels = RandomInts(64, 0, 3, rng);
        var (ids, segments, length) = NliInput.Pack(pairs, clsId: 1, sepId: 2, padId: 0, maxLength: 32);
        using var labelT = IntTensor.FromArray(device, labels, 64);
        using var opt = new AdamW(model.Parameters(), 3e-3f, 0f);

        int steps = 0;
        double accuracy = 0;
        while (steps < 300)
        {
            for (int i = 0; i < 10; i++, steps++)
                Step(model, opt, () => Ops.CrossEntropy(model.Forward(ids, segments, 64, length), labelT));
            accuracy = Accuracy(model, ids, segments, length, labels);
            if (accuracy == 1.0) break;
        }
        output.WriteLine($"training accuracy {accuracy:P1} after {steps} steps");
        Assert.True(accuracy == 1.0, $"training accuracy {accuracy:P1} after {steps} steps");
    }

    static double Accuracy(NliClassifier model, int[] ids, int[] segments, int length, int[] labels)
    {
        model.Eval();
        using var noGrad = NoGrad.Scope();
        using var scope = model.Device.Scope();
        var logits = model.Forward(ids, segments, labels.Length, length).ToArray();
        model.Train();
        int classes = model.Config.Classes, right = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = logits.AsSpan(i * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
            if (best == labels[i]) right++;
        }
        return right / (double)labels.Length;
    }

    [Fact]
    public void ParameterNamesAreHierarchicalAndInitIsSeeded()
    {
        using var device = HostDevice();
        using var a = new NliClassifier(device, Small(seed: 5));
        using var b = new NliClassifier(device, Small(seed: 5));
        using var c = new NliClassifier(device, Small(seed: 6));
        var names = a.NamedParameters().Select(p => p.Name).ToList();
        foreach (var expected in new[]
                 {
                     "token_embedding.weight", "position_embedding.weight", "segment_embedding.weight",
                     "embedding_layer_norm.weight", "encoder.layers.0.self_attn.q_proj.weight",
                     "encoder.layers.1.self_attn.out_proj.bias", "encoder.layers.1.ffn.fc1.weight",
                     "encoder.layers.0.self_attn_layer_norm.bias", "encoder.layers.1.final_layer_norm.weight",
                     "pooler.weight", "classifier.bias",
                 })
            Assert.Contains(expected, names);
        Assert.Equal(names, b.NamedParameters().Select(p => p.Name));
        var sa = a.StateDict();
        var sb = b.StateDict();
        var sc = c.StateDict();
        foreach (var name in names) Assert.Equal(sa[name].Data, sb[name].Data);
        Assert.NotEqual(sa["encoder.layers.0.self_attn.q_proj.weight"].Data, sc["encoder.layers.0.self_attn.q_proj.weight"].Data);
        // BERT init: N(0, 0.02) weights (std within 10% on 1024 draws), zero biases, padding row zero.
        var q = sa["encoder.layers.0.self_attn.q_proj.weight"].Data;
        double std = Math.Sqrt(q.Select(x => (double)x * x).Average());
        Assert.InRange(std, 0.018, 0.022);
        Assert.All(sa["encoder.layers.0.self_attn.q_proj.bias"].Data, x => Assert.Equal(0f, x));
        Assert.All(sa["token_embedding.weight"].Data.Take(32), x => Assert.Equal(0f, x));
        Assert.Equal(4 * 2, a.HeadIndex.Count);
    }

    [Fact]
    public void PackPutsPairsInOneSequenceWithSegments()
    {
        var (ids, seg, length) = NliInput.Pack([([5, 6, 7], [8, 9]), ([5], [8, 9, 10, 11, 12, 13])], clsId: 1, sepId: 2, padId: 0, maxLength: 8);
        Assert.Equal(8, length);
        Assert.Equal(new[] { 1, 5, 6, 7, 2, 8, 9, 2, /**/ 1, 5, 2, 8, 9, 10, 11, 2 }, ids);
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 1, 1, 1, /**/ 0, 0, 0, 1, 1, 1, 1, 1 }, seg);
    }
}
