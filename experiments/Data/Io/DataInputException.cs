namespace NativeDsp.Experiments.Data.Io;

/// <summary>
/// Input the data layer cannot use: a missing file or directory, an empty file, bytes that are not UTF-8,
/// a malformed line. The message is complete on its own (it names the file, and the line where there is
/// one, as <c>file:line: reason</c>), so commands print it as is, without a stack trace.
/// </summary>
public sealed class DataInputException(string message) : NativeDsp.Engine.ExpectedFailureException(message);
