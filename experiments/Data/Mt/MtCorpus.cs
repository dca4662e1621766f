using System.Security.Cryptography;
using System.Text;
using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Mt;

/// <summary>One split of a user's parallel corpus: its source and target files.</summary>
public sealed record ParallelFiles(string Source, string Target);

/// <summary>
/// A user's parallel corpus for the MT task (bring your own data): train and test files (valid optional) as
/// plain parallel text (<see cref="ParallelText"/>). Made from fairseq's layout
/// (<see cref="FromFairseqLayout"/>: DIR/train.SRC, DIR/train.TGT, valid.*, test.*, each optionally .gz, as
/// fairseq's examples/translation/prepare-iwslt14.sh leaves them) or from explicit paths. The joint BPE is
/// learned on the training side (source and target together), as for the committed corpus.
/// </summary>
public sealed record MtCorpus(string SourceLang, string TargetLang, ParallelFiles Train, ParallelFiles? Valid, ParallelFiles Test)
{
    public static readonly string[] Splits = ["train", "valid", "test"];

    /// <summary>
    /// DIR/{train,valid,test}.{src,tgt} (or the same names with .gz). train and test are required; valid is
    /// used when both its files are there.
    /// </summary>
    /// <exception cref="DataInputException">The folder or a required file is missing; the message names what was looked for.</exception>
    public static MtCorpus FromFairseqLayout(string directory, string sourceLang, string targetLang)
    {
        TextFiles.RequireDirectory(directory, "data directory");
        ParallelFiles? Split(string split, bool required)
        {
            string? s = Find(directory, $"{split}.{sourceLang}"), t = Find(directory, $"{split}.{targetLang}");
            if (s is not null && t is not null) return new ParallelFiles(s, t);
            if (!required && s is null && t is null) return null;
            string missing = s is null ? $"{split}.{sourceLang}" : $"{split}.{targetLang}";
            throw new DataInputException($"{Path.Combine(directory, missing)}: not found (nor {missing}.gz); fairseq's layout needs train.{sourceLang}, train.{targetLang}, test.{sourceLang}, test.{targetLang} (valid.* optional) in {directory}");
        }
        return new MtCorpus(sourceLang, targetLang, Split("train", true)!, Split("valid", false), Split("test", true)!);
    }

    static string? Find(string directory, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>Reads one split's pairs (every reader error names file and line; unequal line counts are refused).</summary>
    public static List<ParallelPair> Read(ParallelFiles files, BadLineLog log) => ParallelText.Read(files.Source, files.Target, log);

    /// <summary>
    /// What identifies the data a model was trained on: the languages and the full paths, sizes and write
    /// times of the files, hashed. Models cached under one key are reused only for the same corpus.
    /// </summary>
    public string Key()
    {
        var text = new StringBuilder($"{SourceLang}-{TargetLang}");
        foreach (var f in new[] { Train, Valid, Test })
        {
            if (f is null) continue;
            foreach (var p in new[] { f.Source, f.Target })
            {
                var info = new FileInfo(p);
                text.Append($"|{info.FullName}:{info.Length}:{info.LastWriteTimeUtc.Ticks}");
            }
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..12];
    }

    /// <summary>A short description for logs and the run-config record.</summary>
    public override string ToString() =>
        $"{SourceLang}-{TargetLang}: train {Train.Source} + {Train.Target}, test {Test.Source} + {Test.Target}" +
        (Valid is null ? "" : $", valid {Valid.Source} + {Valid.Target}");
}
