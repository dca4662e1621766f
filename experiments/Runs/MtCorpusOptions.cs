using NativeDsp.Experiments.Data.Mt;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The bring-your-own-corpus options of <c>mt</c> and <c>sweep --task mt</c>, resolved to an <see cref="MtCorpus"/>:
/// <list type="bullet">
/// <item><c>--src LANG --tgt LANG --data DIR</c>: fairseq's layout, DIR/{train,valid,test}.{LANG} (optionally .gz);</item>
/// <item><c>--train-src F --train-tgt F --test-src F --test-tgt F [--valid-src F --valid-tgt F]</c>: explicit files
/// (<c>--src/--tgt</c> then only name the languages; default "src"/"tgt");</item>
/// <item>none of these: the committed Bible corpus (<c>--data DIR</c> is then the data root holding <c>mt/</c>).</item>
/// </list>
/// </summary>
public static class MtCorpusOptions
{
    public static readonly string[] FileOptions = ["--train-src", "--train-tgt", "--valid-src", "--valid-tgt", "--test-src", "--test-tgt"];
    public static readonly string[] All = ["--src", "--tgt", .. FileOptions];

    public const string Help =
        """
          --src L --tgt L  mt: your own parallel corpus in fairseq's layout, --data DIR holding {train,valid,test}.{L} (plain
                           text, one sentence a line, .gz allowed; valid optional); the joint BPE is learned on train
          --train-src F --train-tgt F --test-src F --test-tgt F [--valid-src F --valid-tgt F]
                           mt: the same from explicit files (--src/--tgt then only name the languages)
        """;

    /// <summary>
    /// The corpus the options describe, or null for the committed one. <paramref name="get"/> returns an
    /// option's value or null; <paramref name="dataDir"/> is --data.
    /// </summary>
    /// <exception cref="UsageException">An incomplete or contradictory combination, or these options for a task other than mt.</exception>
    public static MtCorpus? Resolve(string task, Func<string, string?> get, string? dataDir, string usage)
    {
        var given = All.Where(o => get(o) is not null).ToList();
        if (given.Count == 0) return null;
        if (task != "mt") throw new UsageException($"{given[0]} applies to --task mt only", usage);
        string? src = get("--src"), tgt = get("--tgt");
        if (FileOptions.Any(o => get(o) is not null))
        {
            if (dataDir is not null) throw new UsageException("--data DIR and --train-src/... both name the corpus: give one or the other", usage);
            foreach (var required in new[] { "--train-src", "--train-tgt", "--test-src", "--test-tgt" })
                if (get(required) is null) throw new UsageException($"{required} is missing: explicit files need --train-src, --train-tgt, --test-src and --test-tgt", usage);
            string? validSrc = get("--valid-src"), validTgt = get("--valid-tgt");
            if ((validSrc is null) != (validTgt is null)) throw new UsageException("--valid-src and --valid-tgt go together", usage);
            return new MtCorpus(src ?? "src", tgt ?? "tgt", new ParallelFiles(get("--train-src")!, get("--train-tgt")!),
                                validSrc is null ? null : new ParallelFiles(validSrc, validTgt!), new ParallelFiles(get("--test-src")!, get("--test-tgt")!));
        }
        if (src is null || tgt is null) throw new UsageException("--src and --tgt go together (the language suffixes of DIR/train.SRC, DIR/train.TGT, ...)", usage);
        if (src == tgt) throw new UsageException($"--src and --tgt are both '{src}'", usage);
        if (dataDir is null) throw new UsageException($"--src {src} --tgt {tgt} need --data DIR holding train.{src}, train.{tgt}, test.{src}, test.{tgt} (fairseq's layout), or explicit --train-src ... files", usage);
        return MtCorpus.FromFairseqLayout(dataDir, src, tgt);
    }
}
