using NativeDsp.Engine;
using NativeDsp.Experiments.Tokenization;
using NativeDsp.Model.Pretrained;
using NativeDsp.Model.Pretrained.Import;

namespace NativeDsp.Tests.Model.Pretrained;

/// <summary>MiniLM imported once for the tests that need it (parsing 90 MB of ONNX and building the encoder take seconds here).</summary>
public sealed class MiniLmFixture : IDisposable
{
    readonly string vocabPath = Path.Combine(Path.GetTempPath(), $"nativedsp-minilm-vocab-{Guid.NewGuid():N}.txt");

    public MiniLmFixture()
    {
        (Model, Matches) = MiniLmImporter.ImportWithMatches();
        Device = new Device(TestBackends.Host);
        Encoder = Model.CreateEncoder(Device);
        Model.WriteVocabulary(vocabPath);
        Tokenizer = WordPieceSubwordTokenizer.Load(vocabPath);
    }

    public PretrainedBert Model { get; }
    public IReadOnlyList<OnnxLinearMatch> Matches { get; }
    public Device Device { get; }
    public BertEncoder Encoder { get; }
    public WordPieceSubwordTokenizer Tokenizer { get; }

    /// <summary>Single sentences as [CLS] s [SEP], padded with [PAD] to the longest: ids, token types (0), attention mask, length.</summary>
    public (int[] Ids, int[] Types, int[] Mask, int Length) Batch(IReadOnlyList<string> sentences)
    {
        var rows = sentences.Select(s => new[] { Tokenizer.ClassificationId }.Concat(Tokenizer.Encode(s)).Append(Tokenizer.SeparatorId).ToArray()).ToList();
        int length = rows.Max(r => r.Length);
        var ids = new int[rows.Count * length];
        var mask = new int[rows.Count * length];
        Array.Fill(ids, Tokenizer.PadId);
        for (int b = 0; b < rows.Count; b++)
            for (int t = 0; t < rows[b].Length; t++)
            {
                ids[b * length + t] = rows[b][t];
                mask[b * length + t] = 1;
            }
        return (ids, new int[ids.Length], mask, length);
    }

    public void Dispose()
    {
        Encoder.Dispose();
        Device.Dispose();
        File.Delete(vocabPath);
    }
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM";
}
