using NativeDsp.Engine.Checkpoints;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Results;

/// <summary>
/// The settings a results folder's rows of one (task, preset) were made with, in
/// <c>DIR/config.&lt;task&gt;.&lt;preset&gt;.txt</c> (one <c>name=value</c> a line). A row's resume key names the
/// preset but not its values, so without this record a sweep rerun with other overrides (--steps 100) would
/// keep the rows made under the old ones as if they were its own and mix two configs in one table. A run
/// whose settings differ from the record is refused, naming the settings that differ.
/// </summary>
public static class RunConfigRecord
{
    public static string PathFor(string dir, string task, string preset) => Path.Combine(dir, $"config.{task}.{preset}.txt");

    /// <summary>Records the config on first use of the folder; afterwards refuses a config that differs.</summary>
    /// <param name="data">What the data is (a user's corpus, or "committed"), recorded as "data=..." so that rows of
    /// two corpora are not mixed in one folder; null leaves it out.</param>
    public static void CheckOrRecord(string dir, string task, string preset, ExperimentConfig config, string? data = null)
    {
        string path = PathFor(dir, task, preset);
        var settings = config.Settings().ToList();
        if (data is not null) settings.Add(("data", data));
        var now = settings.ToDictionary(s => s.Name, s => s.Value);
        if (File.Exists(path))
        {
            var recorded = Read(path);
            // Settings the record lacks (added to the program after it was written) are not held against it.
            var differences = recorded.Where(r => now.TryGetValue(r.Key, out var v) && v != r.Value)
                                      .Select(r => $"{r.Key}={r.Value} there, {now[r.Key]} now").ToList();
            if (differences.Count > 0)
                throw new UsageException(
                    $"{dir} holds {task} results of preset {preset} made with other settings ({string.Join("; ", differences)}), " +
                    $"which its rows do not record: use another --out, or delete {ResultsFile.FileName} and {Path.GetFileName(path)} there to start over");
            return;
        }
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(path, string.Concat(settings.Select(s => $"{s.Name}={s.Value}\n")));
    }

    /// <summary>The recorded settings, name -> value.</summary>
    public static Dictionary<string, string> Read(string path)
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
