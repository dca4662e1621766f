using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Model.Pretrained;
using NativeDsp.Model.Pretrained.Import;

namespace NativeDsp.Tests.Model.Pretrained;

/// <summary>
/// Hugging Face BERT checkpoints (model.safetensors + config.json + vocab.txt): export and re-import give
/// the same model, and each kind of broken file is refused with a message naming the problem.
/// </summary>
[Collection(MiniLmCollection.Name)]
public sealed class SafetensorsBertCheckpointTests(MiniLmFixture fx) : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), $"nativedsp-bert-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    static readonly BertConfig Tiny = new(VocabSize: 40, HiddenSize: 16, Layers: 2, Heads: 4, IntermediateSize: 24,
                                          MaxPositions: 20, TypeVocabSize: 2, LayerNormEps: 1e-12f, PadTokenId: 0);

    static PretrainedBert RandomTiny(ulong seed)
    {
        var weights = RandomBertWeights.For(Tiny, (int)seed);
        var vocab = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]" }.Concat(Enumerable.Range(0, 36).Select(i => $"w{i}")).ToArray();
        return new PretrainedBert(Tiny, weights, vocab, "random tiny");
    }

    [Fact]
    public void MiniLm_round_trip_through_safetensors_gives_identical_outputs()
    {
        var exported = PretrainedBert.FromEncoder(fx.Encoder, fx.Model.Vocabulary, "MiniLM encoder");
        SafetensorsBertCheckpoint.Write(exported, dir);
        var back = SafetensorsBertCheckpoint.Read(dir);
        Assert.Equal(fx.Model.Config, back.Config);
        Assert.Equal(fx.Model.Vocabulary, back.Vocabulary);

        var (ids, types, mask, length) = fx.Batch(["A short one.", "A somewhat longer sentence with more words in it."]);
        using var encoder = back.CreateEncoder(fx.Device);
        using var scope = fx.Device.Scope();
        using var noGrad = NoGrad.Scope();
        var before = fx.Encoder.Forward(ids, types, mask, 2, length).ToArray();
        var after = encoder.Forward(ids, types, mask, 2, length).ToArray();
        // F32 is stored bit for bit and the computation is deterministic: outputs are identical, not just close.
        Assert.Equal(before, after);
    }

    [Fact]
    public void Bert_prefixed_and_gamma_beta_names_are_accepted()
    {
        var model = RandomTiny(1);
        Directory.CreateDirectory(dir);
        var renamed = model.Weights.ToDictionary(
            kv => "bert." + kv.Key.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta"), kv => kv.Value);
        renamed["cls.predictions.bias"] = new HostTensor(new Shape(Tiny.VocabSize), new float[Tiny.VocabSize]);
        SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), renamed);
        Tiny.WriteJson(Path.Combine(dir, "config.json"));
        model.WriteVocabulary(Path.Combine(dir, "vocab.txt"));
        var back = SafetensorsBertCheckpoint.Read(dir);
        foreach (var (name, w) in model.Weights) Assert.Equal(w.Data, back.Weights[name].Data);
    }

    string WriteTiny()
    {
        SafetensorsBertCheckpoint.Write(RandomTiny(2), dir);
        return Path.Combine(dir, "model.safetensors");
    }

    static (byte[] Header, byte[] Data) Split(byte[] file)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (file[8..(8 + n)], file[(8 + n)..]);
    }

    static byte[] Join(JsonObject header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header.ToJsonString());
        var file = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)h.Length);
        h.CopyTo(file, 8);
        data.CopyTo(file, 8 + h.Length);
        return file;
    }

    /// <summary>Rewrites the header of the tiny checkpoint's model.safetensors with <paramref name="edit"/>.</summary>
    void EditHeader(string path, Action<JsonObject> edit)
    {
        var (h, data) = Split(File.ReadAllBytes(path));
        var header = (JsonObject)JsonNode.Parse(h)!;
        edit(header);
        File.WriteAllBytes(path, Join(header, data));
    }

    [Fact]
    public void Truncated_file_is_refused()
    {
        string path = WriteTiny();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsBertCheckpoint.Read(dir));
        Assert.Contains("model.safetensors", e.Message);
        File.WriteAllBytes(path, bytes[..5]);
        e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsBertCheckpoint.Read(dir));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Offsets_outside_the_data_are_refused()
    {
        string path = WriteTiny();
        EditHeader(path, h =>
        {
            var entry = (JsonObject)h["embeddings.LayerNorm.bias"]!;
            var off = entry["data_offsets"]!.AsArray();
            long begin = (long)off[0]!, end = (long)off[1]!;
            entry["data_offsets"] = new JsonArray(begin + 1_000_000, end + 1_000_000);
        });
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsBertCheckpoint.Read(dir));
        Assert.Contains("embeddings.LayerNorm.bias", e.Message);
    }

    [Fact]
    public void Unknown_dtype_is_refused()
    {
        string path = WriteTiny();
        EditHeader(path, h => h["embeddings.LayerNorm.weight"]!["dtype"] = "F8_E4M3");
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsBertCheckpoint.Read(dir));
        Assert.Contains("unknown dtype 'F8_E4M3'", e.Message);
    }

    [Fact]
    public void Integer_weight_is_refused()
    {
        string path = WriteTiny();
        // Same byte count as F32 (4 bytes), so only the weight check can catch it.
        EditHeader(path, h => h["embeddings.LayerNorm.weight"]!["dtype"] = "I32");
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsBertCheckpoint.Read(dir));
        Assert.Contains("dtype I32", e.Message);
    }

    [Fact]
    public void Shape_that_disagrees_with_config_is_refused()
    {
        WriteTiny();
        // The file says 2 layers of FFN 24; a config claiming FFN 32 must not load it.
        (Tiny with { IntermediateSize = 32 }).WriteJson(Path.Combine(dir, "config.json"));
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsBertCheckpoint.Read(dir));
        Assert.Contains("encoder.layer.0.intermediate.dense.weight", e.Message);
        Assert.Contains("[24, 16]", e.Message);
        Assert.Contains("[32, 16]", e.Message);
    }

    [Fact]
    public void Missing_layer_is_refused()
    {
        WriteTiny();
        (Tiny with { Layers = 3 }).WriteJson(Path.Combine(dir, "config.json"));
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsBertCheckpoint.Read(dir));
        Assert.Contains("encoder.layer.2.", e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Missing_files_and_unsupported_configs_are_named()
    {
        WriteTiny();
        File.Delete(Path.Combine(dir, "vocab.txt"));
        Assert.Contains("vocab.txt", Assert.Throws<FileNotFoundException>(() => SafetensorsBertCheckpoint.Read(dir)).Message);
        RandomTiny(3).WriteVocabulary(Path.Combine(dir, "vocab.txt"));
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        config["hidden_act"] = "relu";
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        Assert.Contains("hidden_act 'relu'", Assert.Throws<NotSupportedException>(() => SafetensorsBertCheckpoint.Read(dir)).Message);
    }
}
