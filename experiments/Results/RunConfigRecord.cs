using NativeDsp.Engine.Checkpoints;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Results;

/// <summary>
/// The settings a results folder's rows of one (task, preset) were made with, in
/// <c>DIR/config.&lt;task&gt;.&lt;preset&gt;.txt</c> (one <c>name=value</c> a line). A row's resume key names the
/// preset but not its values, so without this record a sweep rerun with other overrides (--steps 100) would
/// keep the rows made under the old ones as if they were its own and mix two configs in one table. A run
/// whose settings differ from the record is refused, naming the settings that differ. The record is written
/// with the first row, so a failed run does not bind its folder to settings no row was made with.
/// </summary>
public static class RunConfigRecord
{
    public static string PathFor(string dir, string task, string preset) => Path.Combine(dir, $"config.{task}.{preset}.txt");

    /// <summary>
    /// Why <paramref name="config"/> may not add rows of (task, preset) to <paramref name="dir"/>, or null if it may:
    /// the folder holds rows of that task and preset made with other settings. A record without such rows (left by
    /// a run that failed before its first row) binds nothing. Reads only small files: check it before any work.
    /// </summary>
    public static string? Conflict(string dir, string task, string preset, ExperimentConfig config)
    {
        string path = PathFor(dir, task, preset);
        if (!File.Exists(path)) return null;
        if (!ResultsFile.Read(Path.Combine(dir, ResultsFile.FileName)).Any(r => r.Task == task && r.Preset == preset)) return null;
        var now = config.Settings().ToDictionary(s => s.Name, s => s.Value);
        // Settings the record lacks (added to the program after it was written) are not held against it.
        var differences = Read(path).Where(r => now.TryGetValue(r.Key, out var v) && v != r.Value)
                                    .Select(r => $"{r.Key}={r.Value} there, {now[r.Key]} now").ToList();
        return differences.Count == 0
            ? null
            : $"{dir} holds {task} results of preset {preset} made with other settings ({string.Join("; ", differences)}), " +
              $"which its rows do not record: use another --out, or delete {ResultsFile.FileName} and {Path.GetFileName(path)} there to start over";
    }

    /// <summary>
    /// Writes the record (atomically). Called just before a result row is written, so that a run that fails
    /// earlier leaves no record behind; <see cref="Conflict"/> has been checked, so an existing record says the same.
    /// </summary>
    public static void Record(string dir, string task, string preset, ExperimentConfig config)
    {
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(PathFor(dir, task, preset), string.Concat(config.Settings().Select(s => $"{s.Name}={s.Value}\n")));
    }

    static Dictionary<string, string> Read(string path)
    {
        var settings = new Dictionary<string, string>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) continue;
            int eq = line.IndexOf('=');
            if (eq <= 0) throw new FormatException($"{path}:{number}: expected name=value, got '{line}'");
            settings[line[..eq]] = line[(eq + 1)..];
        }
        return settings;
    }
}
