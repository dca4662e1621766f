using NativeDsp.Kernels;

namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>
    /// Fused, gated scaled-dot-product attention (<see cref="IKernels.AttentionForward"/>) as an autograd op:
    /// q [B, H, Tq, D], k and v [B, H, Tk, D] give o [B, H, Tq, D] with o_h = g_h * softmax(scale q k^T + masks) v.
    /// <paramref name="keyMask"/> [B, Tk] is 1 for keys that may be attended and 0 for padding (a constant:
    /// it must not require grad); <paramref name="gate"/> [H] is the per-head gate of DSP and its relatives
    /// (null = all ones). With <paramref name="causal"/>, query i sees keys j &lt;= i + (Tk - Tq), so a
    /// one-query decoder step with a key/value cache sees the whole cache.
    /// <para>
    /// The backward adds dL/dq, dL/dk, dL/dv and, when the gate requires grad, dL/dgate into their
    /// gradients, so the gate's gradient reaches whatever produced it (a slice of one global gate vector,
    /// a relaxed top-K mask, ...). Only the row log-sum-exps are saved (B*H*Tq floats); the kernel
    /// recomputes the probabilities in the backward pass.
    /// </para>
    /// </summary>
    /// <exception cref="ShapeException">q, k, v are not [B, H, T, D] with matching B, H, D; k and v differ; the key mask is not [B, Tk] or the gate not [H].</exception>
    /// <exception cref="ArgumentException">An operand is on another device, or the key mask requires grad.</exception>
    public static Tensor Attention(Tensor q, Tensor k, Tensor v, Tensor? keyMask = null, Tensor? gate = null,
                                   bool causal = false, float? scale = null)
    {
        const string op = "attention";
        SameDevice(op, q, k);
        SameDevice(op, q, v);
        if (q.Shape.Rank != 4 || k.Shape.Rank != 4 || v.Shape.Rank != 4)
            throw new ShapeException(op, q.Shape, k.Shape, "q, k and v must be [B, H, T, D]");
        int b = q.Shape[0], h = q.Shape[1], tq = q.Shape[2], d = q.Shape[3], tk = k.Shape[2];
        if (k.Shape[0] != b || k.Shape[1] != h || k.Shape[3] != d)
            throw new ShapeException(op, q.Shape, k.Shape, "k must be [B, H, Tk, D] with q's B, H and D");
        if (v.Shape != k.Shape) throw new ShapeException(op, k.Shape, v.Shape, "k and v must have the same shape");
        if (keyMask is not null)
        {
            SameDevice(op, q, keyMask);
            if (keyMask.Shape.Rank != 2 || keyMask.Shape[0] != b || keyMask.Shape[1] != tk)
                throw new ShapeException(op, k.Shape, keyMask.Shape, $"the key mask must be [B, Tk] = [{b}, {tk}]");
            if (keyMask.RequiresGrad) throw new ArgumentException($"{op}: the key mask {keyMask.Shape} is a constant and must not require grad");
        }
        if (gate is not null)
        {
            SameDevice(op, q, gate);
            if (gate.Shape.Rank != 1 || gate.Shape[0] != h)
                throw new ShapeException(op, q.Shape, gate.Shape, $"the head gate must be [H] = [{h}]");
        }

        var s = new AttentionShape(b, h, tq, tk, d, scale ?? 1f / MathF.Sqrt(d), causal);
        var o = NewOutput(q, q.Shape);
        var lse = NewOutput(q, new Shape(b, h, tq));
        var kern = K(q);
        kern.AttentionForward(q.Buffer, k.Buffer, v.Buffer, keyMask?.Buffer, gate?.Buffer, o.Buffer, lse.Buffer, s);

        Tensor[] inputs = gate is null ? [q, k, v] : [q, k, v, gate];
        q.Device.Tape.Record(op, o, inputs, () =>
        {
            // The kernel always produces dQ, dK and dV: inputs that need none (or a k that is also v, whose
            // two gradients may not alias) get scratch buffers.
            bool vIsK = ReferenceEquals(k, v);
            using var dqScratch = q.RequiresGrad ? null : Scratch(q, q.Count);
            using var dkScratch = k.RequiresGrad ? null : Scratch(k, k.Count);
            using var dvScratch = v.RequiresGrad && !vIsK ? null : Scratch(v, v.Count);
            var dGate = gate is { RequiresGrad: true } ? G(gate) : null;
            kern.AttentionBackward(q.Buffer, k.Buffer, v.Buffer, keyMask?.Buffer, gate?.Buffer, o.Buffer, lse.Buffer, Dy(o),
                dqScratch ?? G(q), dkScratch ?? G(k), dvScratch ?? G(v), dGate, s);
            if (vIsK && v.RequiresGrad) kern.Axpy(1f, dvScratch!, G(v), v.Count);
        });
        return o;
    }
}
