namespace NativeDsp.Engine;

/// <summary>Something the tape frees at reset unless its owner took it back (<see cref="Tensor.Keep"/>).</summary>
internal interface ITapeOwned : IDisposable
{
    bool IsKept { get; }
}
