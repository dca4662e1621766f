using NativeDsp.Kernels;

namespace NativeDsp.Model.Transformer;

/// <summary>
/// The BERT-style NLI classifier (<see cref="NliClassifier"/>). Defaults are the benchmark's small model
/// (2 layers, d 256, 4 heads, FFN 1024, vocab 8000); BERT-base is Layers 12, DModel 768, Heads 12, Ffn 3072,
/// Vocab 30522. BERT's choices otherwise: post-LN, GELU, dropout 0.1, LayerNorm eps 1e-12, Normal(0.02) init.
/// </summary>
public sealed record NliClassifierConfig
{
    public int Layers { get; init; } = 2;
    public int DModel { get; init; } = 256;
    public int Heads { get; init; } = 4;
    public int Ffn { get; init; } = 1024;
    public int Vocab { get; init; } = 8000;
    public int MaxPositions { get; init; } = 512;
    /// <summary>Segment (token type) ids: 0 for the premise with [CLS] and its [SEP], 1 for the hypothesis.</summary>
    public int Segments { get; init; } = 2;
    public int Classes { get; init; } = 3;
    public float Dropout { get; init; } = 0.1f;
    public float ActivationDropout { get; init; }
    public Activation Activation { get; init; } = Activation.Gelu;
    public bool PreNorm { get; init; }
    public float LayerNormEps { get; init; } = 1e-12f;
    public InitScheme Init { get; init; } = InitScheme.Bert;
    public ulong Seed { get; init; }
    public int PadId { get; init; }

    public LayerOptions LayerOptions => new(DModel, Heads, Ffn, Dropout, ActivationDropout, Activation, PreNorm, LayerNormEps);

    public int TotalHeads => Layers * Heads;

    public void Validate()
    {
        const string m = "NLI classifier config";
        LayerOptions.Validate(m);
        if (Layers < 1 || Vocab < 1 || MaxPositions < 1 || Segments < 1 || Classes < 2)
            throw new ArgumentException($"{m}: needs Layers, Vocab, MaxPositions, Segments >= 1 and Classes >= 2, got {this}");
        if (PadId < 0 || PadId >= Vocab) throw new ArgumentException($"{m}: PadId {PadId} is outside the vocabulary [0, {Vocab})");
    }
}
