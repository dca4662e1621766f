namespace NativeDsp.Experiments.Commands;

/// <summary>
/// A bad command line that the parser cannot see (a rule between options, a value the command checks):
/// <see cref="Program"/> prints its message as one line <c>nativedsp VERB: message</c> and exits with 2.
/// Thrown only by the commands; the layers below report problems with their own exceptions or return them.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
