using NativeDsp.Engine;
using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Pruning.Units;

/// <summary>
/// Sees each residual branch's input and output during a forward pass (<see cref="UnitGates.Observer"/>): what a
/// method that measures or penalises a module's function, g(x) of x + g(x), needs (SNIP's function norm and identity
/// prior). The tensors are the forward pass's own, tape-owned and recorded, so a penalty built from them is
/// differentiable; an observer must not modify them.
/// </summary>
public interface IBranchObserver
{
    /// <summary>
    /// A branch computed <paramref name="output"/> = g(<paramref name="input"/>), both [B, T, d]: the attention or FFN
    /// module's output under its gates, before dropout and the residual sum (the input is the LayerNorm's output in a
    /// pre-LN layer, the layer's input in a post-LN one). <paramref name="keyMask"/> [B, T] marks real tokens (1), or null.
    /// </summary>
    void Branch(IResidualBranch branch, Tensor input, Tensor output, Tensor? keyMask);

    /// <summary>
    /// Self-attention <paramref name="attention"/> computed the per-head context <paramref name="context"/> [B, H, T, D]
    /// (after the head gate, before out_proj) from <paramref name="input"/> [B, T, d]: head h contributes
    /// context_h out_proj.W[:, hD:(h+1)D]^T to the branch output.
    /// </summary>
    void HeadContexts(MultiHeadAttention attention, Tensor input, Tensor context, Tensor? keyMask);
}
