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

    public static Restorer Scope()
    {
        depth++;
        return new Restorer();
    }

    public readonly struct Restorer : IDisposable
    {
        public void Dispose() => depth--;
    }
}
