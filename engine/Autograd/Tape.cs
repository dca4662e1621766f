namespace NativeDsp.Engine;

/// <summary>
/// The autograd tape of one device: the ops in the order they ran (each a <see cref="TapeNode"/> with
/// its backward step) and the tensors the ops created. <see cref="Backward"/> walks the nodes in reverse;
/// <see cref="Reset"/> (or a <see cref="TapeScope"/>) frees the step's tensors and forgets its nodes.
/// </summary>
public sealed class Tape
{
    readonly Device device;
    readonly List<TapeNode> nodes = [];
    readonly List<ITapeOwned> owned = [];

    internal Tape(Device device) => this.device = device;

    /// <summary>Nodes recorded and not yet reset.</summary>
    public int NodeCount => nodes.Count;

    /// <summary>Tensors the tape owns (including kept ones not yet reset).</summary>
    public int OwnedCount => owned.Count;

    /// <summary>Hands a tensor (or an <see cref="IntTensor"/>) to the tape, which frees it at reset.</summary>
    public T Own<T>(T item) where T : IDisposable
    {
        if (item is not ITapeOwned o) throw new ArgumentException($"the tape can only own tensors, not {typeof(T).Name}");
        owned.Add(o);
        return item;
    }

    /// <summary>
    /// Records an op whose output is <paramref name="output"/>. Does nothing under <see cref="NoGrad"/> or
    /// when no input requires grad (then no backward can reach the inputs). <paramref name="backward"/>
    /// runs only when output.Grad exists, and must ADD into the gradients of the inputs that require grad.
    /// Public so that ops outside the engine (fused attention, top-K) record the same way.
    /// </summary>
    public void Record(string op, Tensor output, Tensor[] inputs, Action backward)
    {
        if (!NoGrad.IsGradEnabled) return;
        bool any = false;
        foreach (var x in inputs)
        {
            if (x.Device != device) throw new ArgumentException($"{op}: inputs live on different devices ({x.Device} and {device})");
            any |= x.RequiresGrad;
        }
        if (!any) return;
        var node = new TapeNode(op, output, inputs, backward, nodes.Count);
        nodes.Add(node);
        output.Node = node;
        output.MarkRequiresGrad();
    }

    /// <summary>Marks the tape now; disposing the returned scope frees the tensors owned and drops the nodes recorded after the mark (see <see cref="TapeScope"/>).</summary>
    public TapeScope Scope() => new(this, nodes.Count, owned.Count);

    /// <summary>Frees every tape-owned tensor that was not kept and forgets every node.</summary>
    public void Reset() => Truncate(0, 0);

    internal void Truncate(int nodeMark, int ownedMark)
    {
        if (nodeMark > nodes.Count || ownedMark > owned.Count)
            throw new InvalidOperationException("a tape scope ended after an enclosing scope or a Reset had already ended; scopes must nest");
        for (int i = nodes.Count - 1; i >= nodeMark; i--) nodes[i].Release();
        nodes.RemoveRange(nodeMark, nodes.Count - nodeMark);
        for (int i = owned.Count - 1; i >= ownedMark; i--)
            if (!owned[i].IsKept) owned[i].Dispose();
        owned.RemoveRange(ownedMark, owned.Count - ownedMark);
    }

    /// <summary>
    /// Back-propagates from <paramref name="root"/>: adds d(root)/d(leaf) * gradient into the Grad of every
    /// leaf that requires grad and leads to root. The gradient defaults to 1 for a single-element root.
    /// Intermediate tensors do not keep gradients (each is freed once its op has used it), so leaves
    /// accumulate across calls and nothing is counted twice. Without <paramref name="retainGraph"/> the
    /// nodes used are released, and a second Backward through them throws.
    /// </summary>
    public void Backward(Tensor root, Tensor? gradient = null, bool retainGraph = false)
    {
        if (root.IsDisposed) throw new ObjectDisposedException(nameof(Tensor), $"backward: the tensor {root.Shape} was disposed (was the tape reset?)");
        if (!root.RequiresGrad)
            throw new InvalidOperationException($"backward: the tensor {root.Shape} does not require grad (no input had RequiresGrad, or it was computed under NoGrad)");
        if (gradient is null && root.Count != 1)
            throw new InvalidOperationException($"backward: an implicit gradient needs a single-element tensor, got shape {root.Shape}; pass the gradient");
        if (gradient is not null && gradient.Shape != root.Shape)
            throw new ShapeException("backward", root.Shape, gradient.Shape, "the gradient must have the tensor's shape");
        if (root.Node is { IsReleased: true } released) throw ReleasedError(released);

        var k = device.Kernels;
        var seed = root.EnsureGrad().Buffer;
        if (gradient is null) k.ScaleShift(seed, seed, 1, 1f, 1f);
        else k.Axpy(1f, gradient.Buffer, seed, root.Count);
        if (root.Node is not { } start) return; // a leaf: its gradient is the seed

        try
        {
            // Pass 1: which nodes lead to root. Walking in reverse order visits a node after every
            // node that consumes its output, so one sweep suffices.
            start.Needed = true;
            for (int i = start.Index; i >= 0; i--)
            {
                var n = nodes[i];
                if (!n.Needed) continue;
                foreach (var x in n.Inputs)
                {
                    if (x.Node is not { } producer) continue;
                    if (producer.IsReleased) throw ReleasedError(producer);
                    producer.Needed = true;
                }
            }
            // Pass 2: run their backward steps, newest first.
            for (int i = start.Index; i >= 0; i--)
            {
                var n = nodes[i];
                if (!n.Needed) continue;
                n.Needed = false;
                if (n.Output.Grad is not null) n.BackwardStep!();
                n.Output.DropGrad();
                if (!retainGraph) n.Release();
            }
        }
        finally
        {
            for (int i = start.Index; i >= 0; i--) nodes[i].Needed = false;
        }
    }

    static InvalidOperationException ReleasedError(TapeNode n) => new(
        $"backward: the graph through '{n.Op}' (output {n.OutputShape}) was already released by an earlier Backward() " +
        "or a tape reset; run the forward pass again, or pass retainGraph: true to the first Backward()");
}
