namespace NativeDsp.Model.Pruning;

/// <summary>The three kinds of attention module, in the order the global head index lists them.</summary>
public enum AttentionKind
{
    /// <summary>Encoder self-attention.</summary>
    EncoderSelf = 0,
    /// <summary>Decoder (causal) self-attention.</summary>
    DecoderSelf = 1,
    /// <summary>Decoder attention over the encoder output.</summary>
    DecoderCross = 2,
}
