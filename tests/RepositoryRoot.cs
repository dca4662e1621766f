namespace NativeDsp.Tests;

/// <summary>
/// The repository checkout the tests run from, for the tests that run its scripts (.ci/, bench/gpu/): the first
/// folder above the test binaries that holds NativeDsp.sln.
/// </summary>
public static class RepositoryRoot
{
    /// <summary>The full path of the folder that holds NativeDsp.sln, searched upwards from the test binaries.</summary>
    /// <exception cref="InvalidOperationException">No folder above the test binaries holds NativeDsp.sln.</exception>
    public static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "NativeDsp.sln"))) return d.FullName;
        throw new InvalidOperationException($"no NativeDsp.sln above {AppContext.BaseDirectory}");
    }
}
