using System.Text.Json.Nodes;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Experiments.Export;
using NativeDsp.Model.Pretrained;
using NativeDsp.Model.Pretrained.Import;
using NativeDsp.Model.Transformer;
using NativeDsp.Tests.Experiments.Data;

namespace NativeDsp.Tests.Experiments.Export;

/// <summary>
/// A pruned BERT-shaped classifier written as a Hugging Face BertForSequenceClassification directory and read
/// back by the project's own importer (<see cref="SafetensorsBertCheckpoint"/>): the config carries
/// pruned_heads as transformers writes it, the tensors have HF names and pruned shapes, and the classifier
/// rebuilt from the directory gives bit-identical logits.
/// </summary>
public sealed class HfBertExportTests
{
    static readonly string[] Labels = ["entailment", "neutral", "contradiction"];

    [Fact]
    public void Pruned_classifier_round_trips_through_the_hf_layout_to_identical_logits()
    {
        using var device = new Device(TestBackends.Host);
        var config = new NliClassifierConfig { Layers = 3, DModel = 16, Heads = 4, Ffn = 24, Vocab = 30, MaxPositions = 12, Seed = 3 };
        using var model = new NliClassifier(device, config);
        model.Eval();
        // Layer 0 keeps heads 1 and 3, layer 1 keeps all, layer 2 keeps none.
        model.PruneHeads([1, 3, 4, 5, 6, 7]);
        var vocab = Enumerable.Range(0, 30).Select(i => i switch { 0 => "[PAD]", 1 => "[UNK]", 2 => "[CLS]", 3 => "[SEP]", _ => $"w{i}" }).ToList();

        using var dir = new TempDir();
        HfBertExport.Write(model, vocab, Labels, dir.Path);

        var json = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        Assert.Equal("BertForSequenceClassification", json["architectures"]![0]!.GetValue<string>());
        Assert.Equal("[0,2]", json["pruned_heads"]!["0"]!.ToJsonString());
        Assert.Null(json["pruned_heads"]!["1"]);
        Assert.Equal("[0,1,2,3]", json["pruned_heads"]!["2"]!.ToJsonString());
        Assert.Equal("contradiction", json["id2label"]!["2"]!.GetValue<string>());
        var file = SafetensorsFile.Read(dir.File("model.safetensors"));
        Assert.Equal([8L, 16L], file.Tensors["bert.encoder.layer.0.attention.self.query.weight"].Shape.ToArray());
        Assert.Equal([16L, 8L], file.Tensors["bert.encoder.layer.0.attention.output.dense.weight"].Shape.ToArray());
        Assert.Equal([0L, 16L], file.Tensors["bert.encoder.layer.2.attention.self.key.weight"].Shape.ToArray());
        Assert.Equal([3L, 16L], file.Tensors["classifier.weight"].Shape.ToArray());
        Assert.Contains("bert.pooler.dense.weight", file.Tensors.Keys);
        Assert.Equal(vocab, File.ReadAllLines(dir.File("vocab.txt")));

        var imported = SafetensorsBertCheckpoint.Read(dir.Path);
        Assert.Equal(3, imported.ClassifierClasses);
        Assert.Equal([1, 3], imported.Config.KeptHeads(0));
        using var back = imported.CreateNliClassifier(device, classes: 3, dropout: 0.1f, seed: 99);
        back.Eval();
        Assert.Equal(model.HeadIndex.Count, back.HeadIndex.Count);

        int[] ids = [2, 5, 6, 7, 3, 8, 9, 3, 0, 0, /**/ 2, 10, 11, 3, 12, 13, 14, 15, 16, 3];
        int[] segments = [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, /**/ 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
        float[] a, b;
        using (device.Scope())
        using (NoGrad.Scope())
        {
            a = model.Forward(ids, segments, 2, 10).ToArray();
            b = back.Forward(ids, segments, 2, 10).ToArray();
        }
        Assert.Equal(a, b); // the same weights through the same kernels: bit-identical
    }

    [Fact]
    public void Pruned_heads_are_read_as_transformers_writes_them_and_bad_ones_refused()
    {
        using var dir = new TempDir();
        var c = new BertConfig(30, 16, 2, 4, 24, 12, 2, 1e-12f, 0);
        var json = c.ToJson();
        json["pruned_heads"] = new JsonObject { ["1"] = new JsonArray(3, 0) };
        File.WriteAllText(dir.File("config.json"), json.ToJsonString());
        var read = BertConfig.ReadJson(dir.File("config.json"));
        Assert.Equal([1, 2], read.KeptHeads(1));
        Assert.Equal([0, 1, 2, 3], read.KeptHeads(0));
        Assert.Equal(c.WithKeptHeads([0, 1, 2, 3, 5, 6]), read);

        json["pruned_heads"] = new JsonObject { ["2"] = new JsonArray(0) };
        File.WriteAllText(dir.File("config.json"), json.ToJsonString());
        var e = Assert.Throws<ArgumentException>(() => BertConfig.ReadJson(dir.File("config.json")));
        Assert.Contains("layer 2", e.Message);
    }
}
