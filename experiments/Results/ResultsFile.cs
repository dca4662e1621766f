using System.Text;
using CsvHelper;
using NativeDsp.Engine;

namespace NativeDsp.Experiments.Results;

/// <summary>
/// results.csv: read, and updated one row at a time. Each update re-reads the file, adds or replaces the
/// row by its key, writes a temporary file and renames it over the old one, under an exclusive lock file,
/// so that an interrupted run never leaves a half-written CSV and shards of one sweep may share the folder.
/// </summary>
public static class ResultsFile
{
    public const string FileName = "results.csv";

    /// <summary>
    /// Every row of <paramref name="path"/> (none when the file does not exist), read strictly: the header must be
    /// <see cref="ResultRow.Columns"/> (or another of <see cref="ResultRow.KnownHeaders"/>: with the unit columns, or the legacy one; missing columns read as null), every row must have exactly that many fields, numbers and booleans must
    /// parse, and the key columns and the metric's name must not be empty. A row cut short (an editor, a copy) would otherwise be read
    /// with empty fields and written back so.
    /// </summary>
    /// <exception cref="ExpectedFailureException">A malformed header or row: <c>FILE:LINE: what is wrong</c>.</exception>
    public static List<ResultRow> Read(string path)
    {
        if (!File.Exists(path)) return [];
        string header = File.ReadLines(path).FirstOrDefault() ?? "";
        // Files written before the protocol or the unit columns hold an older header; their rows read with those columns null.
        if (!ResultRow.KnownHeaders.Any(h => header == string.Join(",", h)))
            throw new ExpectedFailureException($"{path}:1: the header is '{header}', expected '{string.Join(",", ResultRow.Columns)}': " +
                                               "this is not a NativeDsp results file; use another --out");
        var options = new CsvReaderOptions
        {
            FieldCountMismatch = CsvFieldCountHandling.Throw,
            MissingField = CsvMissingFieldHandling.Throw,
            MalformedData = CsvMalformedDataHandling.Throw,
            TrackLineNumbers = true,
        };
        List<ResultRow> rows;
        try
        {
            using var csv = CsvReader.FromFile(path, options);
            rows = csv.GetRecords<ResultRow>().ToList();
        }
        catch (CsvFormatException e)
        {
            string where = e.LineNumber > 0 ? $"{path}:{e.LineNumber}" : path;
            string what = e.Member is null ? e.Message : $"column {ColumnOf(e.FieldIndex)}: {(e.InnerException ?? e).Message}";
            throw new ExpectedFailureException($"{where}: malformed row ({what}): fix or delete that row (the run is redone when its row is missing)", e);
        }
        // Data rows start on line 2; results.csv has no multi-line fields, so row i is on line i + 2.
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var empty = new (string Column, string Value)[]
            {
                // The resume key's columns and the metric's name: what the sweep, the plots and the table rely on.
                ("task", r.Task), ("setting", r.Setting), ("method", r.Method), ("metric", r.Metric), ("preset", r.Preset),
            }.FirstOrDefault(c => c.Value.Length == 0);
            if (empty.Column is not null)
                throw new ExpectedFailureException($"{path}:{i + 2}: malformed row (column {empty.Column} is empty): fix or delete that row (the run is redone when its row is missing)");
            if (!double.IsFinite(r.Value))
                throw new ExpectedFailureException($"{path}:{i + 2}: malformed row (value is {r.Value}): fix or delete that row (the run is redone when its row is missing)");
        }
        return rows;
    }

    static string ColumnOf(int index) => index >= 0 && index < ResultRow.UnitRunColumns.Length ? ResultRow.UnitRunColumns[index] : $"#{index + 1}";

    /// <summary>Writes <paramref name="rows"/> atomically (a temporary file renamed over the target, removed if writing fails).</summary>
    /// <exception cref="IOException">The folder cannot be written (full disk, read-only); nothing is left behind.</exception>
    public static void Write(string path, IEnumerable<ResultRow> rows)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.{Environment.ProcessId}.tmp";
        try
        {
            var list = rows.ToList();
            var buffer = new MemoryStream();
            using (var csv = CsvWriter.Create(buffer, leaveOpen: true))
            {
                csv.WriteRecords(list);
            }
            File.WriteAllText(temp, WithoutUnusedUnitColumns(Encoding.UTF8.GetString(buffer.ToArray()), list));
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            // A full disk leaves a 0-byte or partial temporary file: never leave it behind.
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>
    /// The CSV text without the unit columns when no row is a unit run: a file of head runs keeps the header it had
    /// before unit runs existed (<see cref="ResultRow.Columns"/>), byte for byte, so that its readers are
    /// not surprised by empty unit columns. The columns are the last ones and empty in every head row (no field of a
    /// head row holds a comma or a line break), so each line loses exactly its last UnitColumns.Length separators.
    /// </summary>
    static string WithoutUnusedUnitColumns(string text, IReadOnlyList<ResultRow> rows)
    {
        if (rows.Any(r => r.IsUnitRun)) return text;
        string newline = text.Contains("\r\n") ? "\r\n" : "\n";
        var lines = text.Split(newline);
        string headerTail = "," + string.Join(",", ResultRow.UnitColumns), emptyTail = new(',', ResultRow.UnitColumns.Length);
        if (!lines[0].EndsWith(headerTail, StringComparison.Ordinal)) return text;
        var trimmed = new List<string> { lines[0][..^headerTail.Length] };
        foreach (string line in lines.Skip(1))
        {
            if (line.Length == 0) { trimmed.Add(line); continue; }
            // A timed head row would lose data: keep every column then.
            if (!line.EndsWith(emptyTail, StringComparison.Ordinal)) return text;
            trimmed.Add(line[..^emptyTail.Length]);
        }
        return string.Join(newline, trimmed);
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
