namespace NativeDsp.Engine.Checkpoints;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content, never a prefix:
/// the bytes go to "path.tmp-RANDOM" next to the target, are flushed to the disk, and the temporary file
/// is then renamed onto the target (a rename within one directory replaces it in one step). If writing
/// fails, the temporary file is deleted and the target is left as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically with <paramref name="write"/> (which gets a stream on the temporary file); creates the directory.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The temporary file cannot be written or renamed; the target is left as it was.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(full);
        if (directory is not null) Directory.CreateDirectory(directory);
        // A random suffix (not the process id alone) so that two writers of the same target never share
        // a temporary file; CreateNew fails rather than clobbering one that exists.
        string temporary = $"{full}.tmp-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                // Flush(true) = fsync: without it a crash after the rename could leave a renamed but empty file.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) atomically, as <see cref="Write"/>.</summary>
    /// <exception cref="IOException">The file cannot be written; the target is left as it was.</exception>
    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            s.Write(bytes);
        });

    static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original exception matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
