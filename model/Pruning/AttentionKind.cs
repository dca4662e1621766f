namespace NativeDsp.Model.Pruning;

/// <summary>The three kinds of attention module, in the order the global head index lists them.</summary>
public enum AttentionKind
{
    EncoderSelf = 0,
    DecoderSelf = 1,
    DecoderCross = 2,
}
