using NativeDsp.Kernels;

namespace NativeDsp.Model.Transformer;

/// <summary>
/// The BERT-style NLI classifier (<see cref="NliClassifier"/>). Defaults are the benchmark's small model
/// (2 layers, d 256, 4 heads, FFN 1024, vocab 8000); BERT-base is Layers 12, DModel 768, Heads 12, Ffn 3072,
/// Vocab 30522. BERT's choices otherwise: post-LN, GELU, dropout 0.1, LayerNorm eps 1e-12, Normal(0.02) init.
/// </summary>
public sealed record NliClassifierConfig
{
    /// <summary>Encoder layers.</summary>
    public int Layers { get; init; } = 2;
    /// <summary>The model dimension d.</summary>
    public int DModel { get; init; } = 256;
    /// <summary>Attention heads per layer (must divide DModel).</summary>
    public int Heads { get; init; } = 4;
    /// <summary>The feed-forward hidden size.</summary>
    public int Ffn { get; init; } = 1024;
    /// <summary>The token vocabulary size.</summary>
    public int Vocab { get; init; } = 8000;
    /// <summary>The longest input (learned position table rows).</summary>
    public int MaxPositions { get; init; } = 512;
    /// <summary>Segment (token type) ids: 0 for the premise with [CLS] and its [SEP], 1 for the hypothesis.</summary>
    public int Segments { get; init; } = 2;
    /// <summary>Output classes (3 for NLI: entailment, neutral, contradiction).</summary>
    public int Classes { get; init; } = 3;
    /// <summary>Dropout after embeddings, attention and FFN blocks, and before the classifier (BERT: 0.1).</summary>
    public float Dropout { get; init; } = 0.1f;
    /// <summary>Dropout inside the FFN after the activation (0 in BERT).</summary>
    public float ActivationDropout { get; init; }
    /// <summary>The FFN activation (exact GELU as BERT).</summary>
    public Activation Activation { get; init; } = Activation.Gelu;
    /// <summary>Pre-LN layers instead of BERT's post-LN.</summary>
    public bool PreNorm { get; init; }
    /// <summary>LayerNorm epsilon (BERT: 1e-12).</summary>
    public float LayerNormEps { get; init; } = 1e-12f;
    /// <summary>How weights are drawn.</summary>
    public InitScheme Init { get; init; } = InitScheme.Bert;
    /// <summary>The seed of the weights and of the dropout stream.</summary>
    public ulong Seed { get; init; }
    /// <summary>The padding token id (its embedding row is 0; it is masked as a key).</summary>
    public int PadId { get; init; }

    /// <summary>The shared layer settings.</summary>
    public LayerOptions LayerOptions => new(DModel, Heads, Ffn, Dropout, ActivationDropout, Activation, PreNorm, LayerNormEps);

    /// <summary>All attention heads of the model.</summary>
    public int TotalHeads => Layers * Heads;

    /// <summary>Checks the config.</summary>
    /// <exception cref="ArgumentException">A size below its minimum (Classes below 2), an invalid layer option, or PadId outside the vocabulary.</exception>
    public void Validate()
    {
        const string m = "NLI classifier config";
        LayerOptions.Validate(m);
        if (Layers < 1 || Vocab < 1 || MaxPositions < 1 || Segments < 1 || Classes < 2)
            throw new ArgumentException($"{m}: needs Layers, Vocab, MaxPositions, Segments >= 1 and Classes >= 2, got {this}");
        if (PadId < 0 || PadId >= Vocab) throw new ArgumentException($"{m}: PadId {PadId} is outside the vocabulary [0, {Vocab})");
    }
}
