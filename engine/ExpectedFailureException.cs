namespace NativeDsp.Engine;

/// <summary>
/// A failure caused by the user's input or environment rather than by a bug: a damaged file, a malformed
/// data line, a setting out of range, a run that diverged. Its message is complete on its own — it names the
/// file (and line) or the setting, says what is wrong and what to do — so the command line prints it as one
/// line on stderr with exit code 1 and no stack trace. Every layer throws a subclass of this for such
/// failures; anything else reaching the command line is treated as a bug and shows its stack trace.
/// </summary>
public class ExpectedFailureException : Exception
{
    /// <summary>A failure described by <paramref name="message"/> (one line, complete on its own).</summary>
    public ExpectedFailureException(string message) : base(message) { }

    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public ExpectedFailureException(string message, Exception? inner) : base(message, inner) { }
}
