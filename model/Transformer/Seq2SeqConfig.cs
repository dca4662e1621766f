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
    /// <summary>Encoder layers.</summary>
    public int EncoderLayers { get; init; } = 6;
    /// <summary>Decoder layers.</summary>
    public int DecoderLayers { get; init; } = 6;
    /// <summary>The model dimension d.</summary>
    public int DModel { get; init; } = 512;
    /// <summary>Attention heads per module (must divide DModel).</summary>
    public int Heads { get; init; } = 4;
    /// <summary>The feed-forward hidden size.</summary>
    public int Ffn { get; init; } = 1024;
    /// <summary>The source vocabulary size.</summary>
    public int SourceVocab { get; init; } = 8000;
    /// <summary>The target vocabulary size.</summary>
    public int TargetVocab { get; init; } = 8000;
    /// <summary>The longest source or target sequence.</summary>
    public int MaxPositions { get; init; } = 1024;
    /// <summary>Dropout after embeddings and each block (fairseq's IWSLT recipe: 0.3).</summary>
    public float Dropout { get; init; } = 0.3f;
    /// <summary>Dropout inside the FFN after the activation.</summary>
    public float ActivationDropout { get; init; }
    /// <summary>The FFN activation (ReLU as the original Transformer).</summary>
    public Activation Activation { get; init; } = Activation.Relu;
    /// <summary>Pre-LN layers (plus a final LayerNorm) instead of post-LN.</summary>
    public bool PreNorm { get; init; }
    /// <summary>LayerNorm epsilon (fairseq: 1e-5).</summary>
    public float LayerNormEps { get; init; } = 1e-5f;
    /// <summary>One embedding table for source and target (needs a joint vocabulary: SourceVocab == TargetVocab).</summary>
    public bool SharedEmbeddings { get; init; }
    /// <summary>The output projection is the target embedding's transpose (no separate weight).</summary>
    public bool TiedOutput { get; init; } = true;
    /// <summary>Learned position tables instead of fixed sinusoids.</summary>
    public bool LearnedPositions { get; init; }
    /// <summary>Multiply token embeddings by sqrt(DModel) before adding positions (Vaswani et al., fairseq).</summary>
    public bool ScaleEmbedding { get; init; } = true;
    /// <summary>How weights are drawn.</summary>
    public InitScheme Init { get; init; } = InitScheme.Fairseq;
    /// <summary>The seed of the weights and of the dropout stream.</summary>
    public ulong Seed { get; init; }
    /// <summary>The padding id of both vocabularies (embedding row 0, masked, ignored by the loss).</summary>
    public int PadId { get; init; }
    /// <summary>The token the decoder starts from (fairseq starts from EOS; any id works).</summary>
    public int BosId { get; init; } = 1;
    /// <summary>The end-of-sentence id that ends a hypothesis.</summary>
    public int EosId { get; init; } = 2;

    /// <summary>The shared layer settings.</summary>
    public LayerOptions LayerOptions => new(DModel, Heads, Ffn, Dropout, ActivationDropout, Activation, PreNorm, LayerNormEps);

    /// <summary>Encoder self + decoder self + cross attention heads.</summary>
    public int TotalHeads => (EncoderLayers + 2 * DecoderLayers) * Heads;

    /// <summary>Checks the config.</summary>
    /// <exception cref="ArgumentException">A size below 1, an invalid layer option, shared embeddings over two vocabularies, or a special id outside its vocabulary.</exception>
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
