namespace NativeDsp.Engine;

/// <summary>
/// One recorded op: its inputs, its output, and the backward step that adds d(loss)/d(input) into each
/// input's gradient given d(loss)/d(output) in <c>Output.Grad</c>.
/// </summary>
public sealed class TapeNode
{
    internal TapeNode(string op, Tensor output, Tensor[] inputs, Action backward, int index)
    {
        Op = op;
        Output = output;
        OutputShape = output.Shape;
        Inputs = inputs;
        BackwardStep = backward;
        Index = index;
    }

    /// <summary>The op's name as recorded ("matmul", "add", ...), used in error messages.</summary>
    public string Op { get; }
    /// <summary>The shape of the op's output.</summary>
    public Shape OutputShape { get; }
    internal Tensor Output { get; }
    internal Tensor[] Inputs { get; private set; }
    internal Action? BackwardStep { get; private set; }

    /// <summary>Position on the tape: every input's node has a smaller index.</summary>
    internal int Index { get; }

    /// <summary>Set during a backward pass for nodes that lead to the tensor being differentiated.</summary>
    internal bool Needed { get; set; }

    /// <summary>True once a Backward() without retainGraph or a tape reset has let go of this node.</summary>
    public bool IsReleased => BackwardStep is null;

    /// <summary>Drops the closure and the inputs, so the saved tensors can be collected.</summary>
    internal void Release()
    {
        BackwardStep = null;
        Inputs = [];
    }

    /// <summary>"op -> [shape]", with "(released)" once released.</summary>
    public override string ToString() => $"{Op} -> {OutputShape}{(IsReleased ? " (released)" : "")}";
}
