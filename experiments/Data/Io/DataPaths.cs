namespace NativeDsp.Experiments.Data.Io;

/// <summary>
/// Where the committed data sets live. They are read in place from <c>experiments/data/</c> of the
/// repository (found by walking up from the executable, or from the working directory, to the folder
/// that holds <c>NativeDsp.sln</c>) rather than copied to the build output: a rebuilt data set is then
/// seen at once by every command and test, and bin/ does not carry a second copy. The installed .NET tool
/// (<c>dotnet tool install nativedsp</c>) carries a copy in its package, <c>data/</c> next to nativedsp.dll
/// (<see cref="BundledDataRoot"/>), used when no repository is found. <c>--data DIR</c> (or the environment
/// variable <c>NATIVEDSP_DATA</c>) points elsewhere and wins over both.
/// </summary>
public static class DataPaths
{
    public const string EnvironmentVariable = "NATIVEDSP_DATA";
    const string SolutionFile = "NativeDsp.sln";

    /// <summary>The repository root, or null when neither the executable nor the working directory is inside one.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        return null;
    }

    /// <summary>The data the tool package carries: <c>data/</c> beside the executable (absent in a build folder).</summary>
    public static string BundledDataRoot => Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>
    /// The data root: the override if given, else <c>$NATIVEDSP_DATA</c>, else the repository's <c>experiments/data</c>,
    /// else the installed tool's <see cref="BundledDataRoot"/>.
    /// </summary>
    public static string DataRoot(string? overrideDir = null)
    {
        string? chosen = overrideDir ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (chosen is not null)
        {
            TextFiles.RequireDirectory(chosen, "data directory");
            return chosen;
        }
        if (FindRepositoryRoot() is string root) return Path.Combine(root, "experiments", "data");
        if (Directory.Exists(BundledDataRoot)) return BundledDataRoot;
        throw new DataInputException(
            $"cannot find the data: no {SolutionFile} above {AppContext.BaseDirectory} or the working directory, and no {BundledDataRoot}; pass --data DIR or set {EnvironmentVariable}");
    }

    public static string MtDir(string? overrideDir = null) => Path.Combine(DataRoot(overrideDir), "mt");
    public static string NliDir(string? overrideDir = null) => Path.Combine(DataRoot(overrideDir), "nli");
}
