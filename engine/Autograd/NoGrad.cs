namespace NativeDsp.Engine;

/// <summary>
/// <c>using (NoGrad.Scope()) { ... }</c>: ops inside record nothing on the tape and their outputs do not
/// require grad (evaluation, decoding, optimizer-side arithmetic). Scopes nest; per thread.
/// </summary>
public static class NoGrad
{
    [ThreadStatic] static int depth;

    /// <summary>Whether ops record onto the tape now.</summary>
    public static bool IsGradEnabled => depth == 0;

    /// <summary>Turns gradient recording off on this thread until the returned value is disposed.</summary>
    public static Restorer Scope()
    {
        depth++;
        return new Restorer();
    }

    /// <summary>Ends one <see cref="Scope"/> when disposed (dispose each exactly once, innermost first).</summary>
    public readonly struct Restorer : IDisposable
    {
        /// <summary>Leaves the scope; recording resumes when the outermost one is left.</summary>
        public void Dispose() => depth--;
    }
}
