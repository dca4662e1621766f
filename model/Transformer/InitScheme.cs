namespace NativeDsp.Model.Transformer;

/// <summary>How <see cref="ModelInit"/> draws a new model's weights (biases are always 0, LayerNorm 1 and 0).</summary>
public enum InitScheme
{
    /// <summary>
    /// BERT (Devlin et al.; HF BertPreTrainedModel._init_weights): every Linear weight, embedding and learned
    /// position table ~ Normal(0, 0.02); the padding row of the token embedding is 0.
    /// </summary>
    Bert,

    /// <summary>
    /// fairseq's Transformer: Linear weights Xavier-uniform, with gain 1/sqrt(2) for the q/k/v projections
    /// of attention (fairseq's MultiheadAttention.reset_parameters); token embeddings, learned positions and
    /// an untied output projection ~ Normal(0, d^-0.5), padding row 0.
    /// </summary>
    Fairseq,
}
