using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Experiments.Export;
using NativeDsp.Model.Pretrained.Import;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Transformer;
using NativeDsp.Tests.Experiments.Data;
using Onnx;

namespace NativeDsp.Tests.Experiments.Export;

/// <summary>
/// A classifier pruned beyond heads (issue 20: a removed attention block, a removed FFN block, pruned FFN neurons and
/// pruned heads) exported to ONNX must compute the pruned model's logits (ONNX Runtime against our forward, post-LN and
/// pre-LN), with the removed branches absent from the graph and the FFN matrices at their physical widths; the Hugging
/// Face layout writes what BertConfig can say exactly (a removed attention block = every head pruned, zero output
/// bias; one FFN width) and refuses the rest without writing anything.
/// </summary>
public sealed class UnitPrunedExportTests
{
    static readonly string[] Labels = ["entailment", "neutral", "contradiction"];

    // Two pairs, the first padded: the padding mask matters to attention.
    static readonly int[] Ids = [2, 5, 6, 7, 3, 8, 9, 3, 0, 0, /**/ 2, 10, 11, 3, 12, 13, 14, 15, 16, 3];
    static readonly int[] Segments = [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, /**/ 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];

    static NliClassifier Model(Device device, bool preNorm) => new(device, new NliClassifierConfig
    {
        Layers = 3, DModel = 16, Heads = 4, Ffn = 24, Vocab = 30, MaxPositions = 12, Dropout = 0f, Seed = preNorm ? 8UL : 7UL, PreNorm = preNorm,
    });

    /// <summary>
    /// Prunes through the unit pruning the runs use: layer 0 loses its attention block, layer 1 its FFN block; layer 2
    /// keeps heads 1 and 3 and <paramref name="neurons2"/> of its neurons; layer 1 keeps heads 0, 2, 3; layer 0 keeps
    /// <paramref name="neurons0"/> neurons (at most what it has).
    /// </summary>
    static void Prune(NliClassifier model, bool removeAttention = true, bool removeFfn = true, int neurons0 = 24, int neurons2 = 10)
    {
        var index = UnitIndex.Build(model, UnitKinds.Heads | UnitKinds.Neurons | UnitKinds.Blocks);
        var keep = Enumerable.Repeat(true, index.Count).ToArray();
        if (removeAttention) keep[index.Range(UnitKind.AttentionBlock).Offset + 0] = false;
        if (removeFfn) keep[index.Range(UnitKind.FfnBlock).Offset + 1] = false;
        keep[4 + 1] = false;          // layer 1, head 1
        keep[8 + 0] = keep[8 + 2] = false; // layer 2, heads 0 and 2
        var neurons = index.GroupsOf(UnitKind.Neuron).ToList();
        // n -> 7 n mod count is a bijection (7 is prime to 24 and 10): exactly count - kept neurons go, scattered.
        foreach (var (group, kept) in new[] { (neurons[0], neurons0), (neurons[^1], neurons2) })
            for (int n = 0; n < group.Count; n++)
                if (7 * n % group.Count >= kept) keep[group.Offset + n] = false;
        model.PruneUnits(index, UnitSelection.Ids(keep));
    }

    static float[] Logits(NliClassifier model, Device device)
    {
        using var scope = device.Scope();
        using var noGrad = NoGrad.Scope();
        return model.Forward(Ids, Segments, 2, 10).ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_model_pruned_beyond_heads_exports_to_onnx_with_its_logits_and_physical_shapes(bool preNorm)
    {
        using var device = new Device(TestBackends.Host);
        using var model = Model(device, preNorm);
        model.Eval();
        Prune(model);
        Assert.True(model.Encoder.Layers[0].SelfAttention.BranchRemoved && model.Encoder.Layers[1].FeedForward.BranchRemoved);
        Assert.Equal(12 - 4 - 1 - 2, model.HeadIndex.Count); // layer 0's 4 go with its block, layer 1 loses 1, layer 2 loses 2
        float[] ours = Logits(model, device);

        using var dir = new TempDir();
        string path = dir.File("model.onnx");
        var proto = OnnxClassifierExport.Build(model);
        OnnxGraphBuilder.Save(proto, path);
        var mask = Ids.Select(i => i == 0 ? 0 : 1).ToArray();
        var onnx = OnnxRuntimeRunner.Run(path, "logits", new Dictionary<string, (Array, int[])>
        {
            ["input_ids"] = (Ids, [2, 10]), ["attention_mask"] = (mask, [2, 10]), ["token_type_ids"] = (Segments, [2, 10]),
        });
        // 1e-4, the export tests' bar (ClassifierOnnxExportTests): fp32 on both sides, different summation orders, O(1)
        // logits. A removed branch exported as if present, or post-LN's norm(x) skipped, moves them by O(0.1).
        double diff = OnnxRuntimeRunner.MaxDiff(ours, onnx);
        Assert.True(diff < 1e-4, $"max |NativeDsp - ORT| = {diff:E2}");

        var weights = proto.Graph.Initializer.ToDictionary(t => t.Name, t => t.Dims.ToArray());
        // The removed branches are absent (no projection, no bias); the neuron-pruned FFN has its physical width ([in, out] as stored).
        Assert.DoesNotContain(weights.Keys, n => n.StartsWith("encoder.layers.0.self_attn.", StringComparison.Ordinal));
        Assert.DoesNotContain(weights.Keys, n => n.StartsWith("encoder.layers.1.ffn.", StringComparison.Ordinal));
        Assert.Equal([16L, 10L], weights["encoder.layers.2.ffn.fc1.weight"]);
        Assert.Equal([10L, 16L], weights["encoder.layers.2.ffn.fc2.weight"]);
        Assert.Equal([16L, 3 * 4L], weights["encoder.layers.1.self_attn.q_proj.weight"]);
        // Post-LN still normalises x where a branch was removed; pre-LN has dropped that branch's norm.
        Assert.Equal(!preNorm, weights.ContainsKey("encoder.layers.0.self_attn_layer_norm.weight"));
        Assert.Equal(!preNorm, weights.ContainsKey("encoder.layers.1.final_layer_norm.weight"));
    }

    [Fact]
    public void An_ffn_left_with_no_neuron_exports_as_its_bias()
    {
        using var device = new Device(TestBackends.Host);
        using var model = Model(device, preNorm: false);
        model.Eval();
        Prune(model, removeAttention: false, removeFfn: false, neurons0: 0);
        Assert.Equal(0, model.Encoder.Layers[0].FeedForward.Neurons);
        float[] ours = Logits(model, device);
        using var dir = new TempDir();
        OnnxClassifierExport.Write(model, dir.File("model.onnx"));
        var onnx = OnnxRuntimeRunner.Run(dir.File("model.onnx"), "logits", new Dictionary<string, (Array, int[])>
        {
            ["input_ids"] = (Ids, [2, 10]), ["attention_mask"] = (Ids.Select(i => i == 0 ? 0 : 1).ToArray(), [2, 10]), ["token_type_ids"] = (Segments, [2, 10]),
        });
        Assert.True(OnnxRuntimeRunner.MaxDiff(ours, onnx) < 1e-4);
    }

    [Fact]
    public void The_hf_layout_holds_a_removed_attention_block_and_one_ffn_width_and_reads_back_to_identical_logits()
    {
        using var device = new Device(TestBackends.Host);
        using var model = Model(device, preNorm: false);
        model.Eval();
        // Every FFN keeps 10 neurons (intermediate_size 10), layer 0's attention block is removed.
        var index = UnitIndex.Build(model, UnitKinds.Neurons);
        model.PruneUnits(index, Enumerable.Range(0, index.Count).Where(u => u % 24 < 10));
        Prune(model, removeFfn: false, neurons0: 10, neurons2: 10);
        Assert.All(model.FeedForwardModules(), f => Assert.Equal(10, f.Module.Neurons));
        float[] ours = Logits(model, device);

        var vocab = Enumerable.Range(0, 30).Select(i => i switch { 0 => "[PAD]", 1 => "[UNK]", 2 => "[CLS]", 3 => "[SEP]", _ => $"w{i}" }).ToList();
        using var dir = new TempDir();
        HfBertExport.Write(model, vocab, Labels, dir.Path);
        var file = SafetensorsFile.Read(dir.File("model.safetensors"));
        Assert.Equal([10L, 16L], file.Tensors["bert.encoder.layer.2.intermediate.dense.weight"].Shape.ToArray());
        Assert.Equal([0L, 16L], file.Tensors["bert.encoder.layer.0.attention.self.query.weight"].Shape.ToArray());
        Assert.All(file.Tensors["bert.encoder.layer.0.attention.output.dense.bias"].ToHostTensor().Data, v => Assert.Equal(0f, v));

        var imported = SafetensorsBertCheckpoint.Read(dir.Path);
        Assert.Equal(10, imported.Config.IntermediateSize);
        Assert.Empty(imported.Config.KeptHeads(0));
        using var back = imported.CreateNliClassifier(device, classes: 3);
        back.Eval();
        // BERT with no head in layer 0 computes LayerNorm(x + 0): bit for bit what the removed post-LN branch leaves.
        Assert.Equal(ours, Logits(back, device));
    }

    [Theory]
    [InlineData(true, "removed FFN block (encoder.layers.1.ffn)")]
    [InlineData(false, "one intermediate_size for every layer; this classifier's FFN widths are 24, 24, 10")]
    public void The_hf_layout_refuses_what_bert_config_cannot_say_and_writes_nothing(bool removeFfn, string expected)
    {
        using var device = new Device(TestBackends.Host);
        using var model = Model(device, preNorm: false);
        Prune(model, removeFfn: removeFfn);
        using var dir = new TempDir();
        var vocab = Enumerable.Range(0, 30).Select(i => $"w{i}").ToList();
        var e = Assert.Throws<NotSupportedException>(() => HfBertExport.Write(model, vocab, Labels, dir.File("hf")));
        Assert.Contains(expected, e.Message);
        Assert.False(Directory.Exists(dir.File("hf")));
    }
}
