namespace NativeDsp.Engine.Checkpoints;

/// <summary>
/// A safetensors file that cannot be read: truncated, a header that is not the format's JSON, an unknown
/// dtype, offsets outside the data or overlapping, a shape that does not match its byte count. The message
/// names the file and the first problem found.
/// </summary>
public sealed class SafetensorsFormatException(string path, string problem)
    : IOException($"safetensors file '{path}': {problem}")
{
    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; } = path;
    /// <summary>The first problem found, without the file name.</summary>
    public string Problem { get; } = problem;
}
