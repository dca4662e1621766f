using CsvHelper;

namespace NativeDsp.Experiments.Results;

/// <summary>
/// results.csv: read, and updated one row at a time. Each update re-reads the file, adds or replaces the
/// row by its key, writes a temporary file and renames it over the old one, under an exclusive lock file,
/// so that an interrupted run never leaves a half-written CSV and shards of one sweep may share the folder.
/// </summary>
public static class ResultsFile
{
    public const string FileName = "results.csv";

    public static List<ResultRow> Read(string path)
    {
        if (!File.Exists(path)) return [];
        string header = File.ReadLines(path).FirstOrDefault() ?? "";
        // Files written before the protocol columns hold the legacy header; their rows read with those columns null.
        if (header != string.Join(",", ResultRow.Columns) && header != string.Join(",", ResultRow.LegacyColumns))
            throw new InvalidDataException($"{path}: the header is '{header}', expected '{string.Join(",", ResultRow.Columns)}'");
        using var csv = CsvReader.FromFile(path);
        return csv.GetRecords<ResultRow>().ToList();
    }

    public static void Write(string path, IEnumerable<ResultRow> rows)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.{Environment.ProcessId}.tmp";
        using (var csv = CsvWriter.ToFile(temp))
        {
            csv.WriteRecords(rows);
        }
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Adds <paramref name="row"/> (replacing a row with its key) and returns every row now in the file.</summary>
    public static List<ResultRow> Append(string path, ResultRow row)
    {
        using var guard = Lock(path);
        var rows = Read(path).Where(r => r.Key != row.Key).ToList();
        rows.Add(row);
        Write(path, rows);
        return rows;
    }

    /// <summary>An exclusive lock on path.lock, retried while another process holds it.</summary>
    static FileStream Lock(string path)
    {
        string lockPath = Path.GetFullPath(path) + ".lock";
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(100);
            }
        }
    }
}
