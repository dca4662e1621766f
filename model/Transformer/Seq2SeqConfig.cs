using NativeDsp.Kernels;

namespace NativeDsp.Model.Transformer;

/// <summary>
/// The encoder-decoder Transformer (<see cref="Seq2Seq"/>). Defaults are fairseq's transformer_iwslt_de_en,
/// the model of the DSP paper's MT experiments: 6+6 layers, d 512, 4 heads, FFN 1024, ReLU, post-LN,
/// dropout 0.3, sinusoidal positions, embeddings scaled by sqrt(d), output projection tied to the target
/// embedding, Xavier init (<see cref="InitScheme.Fairseq"/>).
/// </summary>
public sealed record Seq2SeqConfig
{
    public int EncoderLayers { get; init; } = 6;
    public int DecoderLayers { get; init; } = 6;
    public int DModel { get; init; } = 512;
    public int Heads { get; init; } = 4;
    public int Ffn { get; init; } = 1024;
    public int SourceVocab { get; init; } = 8000;
    public int TargetVocab { get; init; } = 8000;
    public int MaxPositions { get; init; } = 1024;
    public float Dropout { get; init; } = 0.3f;
    public float ActivationDropout { get; init; }
    public Activation Activation { get; init; } = Activation.Relu;
    public bool PreNorm { get; init; }
    public float LayerNormEps { get; init; } = 1e-5f;
    /// <summary>One embedding table for source and target (needs a joint vocabulary: SourceVocab == TargetVocab).</summary>
    public bool SharedEmbeddings { get; init; }
    /// <summary>The output projection is the target embedding's transpose (no separate weight).</summary>
    public bool TiedOutput { get; init; } = true;
    public bool LearnedPositions { get; init; }
    /// <summary>Multiply token embeddings by sqrt(DModel) before adding positions (Vaswani et al., fairseq).</summary>
    public bool ScaleEmbedding { get; init; } = true;
    public InitScheme Init { get; init; } = InitScheme.Fairseq;
    public ulong Seed { get; init; }
    public int PadId { get; init; }
    /// <summary>The token the decoder starts from (fairseq starts from EOS; any id works).</summary>
    public int BosId { get; init; } = 1;
    public int EosId { get; init; } = 2;

    public LayerOptions LayerOptions => new(DModel, Heads, Ffn, Dropout, ActivationDropout, Activation, PreNorm, LayerNormEps);

    /// <summary>Encoder self + decoder self + cross attention heads.</summary>
    public int TotalHeads => (EncoderLayers + 2 * DecoderLayers) * Heads;

    public void Validate()
    {
        const string m = "seq2seq config";
        LayerOptions.Validate(m);
        if (EncoderLayers < 1 || DecoderLayers < 1 || SourceVocab < 1 || TargetVocab < 1 || MaxPositions < 1)
            throw new ArgumentException($"{m}: layer counts, vocabularies and MaxPositions must be >= 1, got {this}");
        if (SharedEmbeddings && SourceVocab != TargetVocab)
            throw new ArgumentException($"{m}: shared embeddings need one vocabulary, got source {SourceVocab} and target {TargetVocab}");
        foreach (var (name, id) in new[] { ("PadId", PadId), ("BosId", BosId), ("EosId", EosId) })
            if (id < 0 || id >= TargetVocab) throw new ArgumentException($"{m}: {name} {id} is outside the target vocabulary [0, {TargetVocab})");
        if (PadId >= SourceVocab) throw new ArgumentException($"{m}: PadId {PadId} is outside the source vocabulary [0, {SourceVocab})");
    }
}
