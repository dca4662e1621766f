namespace NativeDsp.Engine;

/// <summary>
/// Marks the tape; disposing the scope frees the tensors ops created since the mark (except kept ones)
/// and drops the nodes recorded since. Typical use: one scope per training step or evaluation batch,
/// so that a long run does not grow. Scopes nest.
/// </summary>
public readonly struct TapeScope : IDisposable
{
    readonly Tape tape;
    readonly int nodeMark, ownedMark;

    internal TapeScope(Tape tape, int nodeMark, int ownedMark)
    {
        this.tape = tape;
        this.nodeMark = nodeMark;
        this.ownedMark = ownedMark;
    }

    /// <summary>Frees the tape-owned tensors created since the mark (except kept ones) and drops the nodes recorded since; a default scope does nothing.</summary>
    public void Dispose() => tape?.Truncate(nodeMark, ownedMark);
}
