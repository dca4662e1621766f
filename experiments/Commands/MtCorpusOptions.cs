using System.CommandLine;
using NativeDsp.Experiments.Data.Mt;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// The bring-your-own-corpus options of <c>mt</c> and <c>sweep --task mt</c>, resolved to an <see cref="MtCorpus"/>:
/// <list type="bullet">
/// <item><c>--src LANG --tgt LANG --data DIR</c>: fairseq's layout, DIR/{train,valid,test}.{LANG} (optionally .gz);</item>
/// <item><c>--train-src F --train-tgt F --test-src F --test-tgt F [--valid-src F --valid-tgt F]</c>: explicit files
/// (<c>--src/--tgt</c> then only name the languages; default "src"/"tgt");</item>
/// <item>none of these: the committed Bible corpus (<c>--data DIR</c> is then the data root holding <c>mt/</c>).</item>
/// </list>
/// One instance per command (an option belongs to one command).
/// </summary>
public sealed class MtCorpusOptions
{
    public Option<string?> Source { get; } = Text("--src", "LANG", "mt: your own corpus's source language, the suffix of DATA/train.LANG, ... (fairseq's layout: --data DIR holds {train,valid,test}.{src,tgt}, plain text, one sentence a line, .gz allowed; valid optional); the joint BPE is learned on train");
    public Option<string?> Target { get; } = Text("--tgt", "LANG", "mt: your own corpus's target language (see --src)");
    public Option<string?> TrainSource { get; } = Text("--train-src", "FILE", "mt: training source sentences, one a line (with --train-tgt, --test-src, --test-tgt instead of --data)");
    public Option<string?> TrainTarget { get; } = Text("--train-tgt", "FILE", "mt: training target sentences, line by line the translations of --train-src");
    public Option<string?> ValidSource { get; } = Text("--valid-src", "FILE", "mt: validation source sentences (optional; read and checked)");
    public Option<string?> ValidTarget { get; } = Text("--valid-tgt", "FILE", "mt: validation target sentences");
    public Option<string?> TestSource { get; } = Text("--test-src", "FILE", "mt: test source sentences (BLEU is scored on them)");
    public Option<string?> TestTarget { get; } = Text("--test-tgt", "FILE", "mt: test reference translations");

    IEnumerable<Option<string?>> All => [Source, Target, TrainSource, TrainTarget, ValidSource, ValidTarget, TestSource, TestTarget];

    static Option<string?> Text(string name, string helpName, string description) => new(name) { Description = description, HelpName = helpName };

    public void AddTo(Command command)
    {
        foreach (var o in All) command.Options.Add(o);
    }

    /// <summary>The corpus the command line names, or null for the committed one. <paramref name="dataDir"/> is --data.</summary>
    /// <exception cref="UsageException">An incomplete or contradictory combination, or these options for a task other than mt.</exception>
    /// <exception cref="Data.Io.DataInputException">A file of fairseq's layout is missing.</exception>
    public MtCorpus? Resolve(ParseResult parsed, string task, string? dataDir)
    {
        string? Get(Option<string?> o) => parsed.GetValue(o);
        var given = All.Where(o => Get(o) is not null).ToList();
        if (given.Count == 0) return null;
        if (task != "mt") throw new UsageException($"{given[0].Name} applies to mt only");
        string? src = Get(Source), tgt = Get(Target);
        var files = new[] { TrainSource, TrainTarget, ValidSource, ValidTarget, TestSource, TestTarget };
        if (files.Any(o => Get(o) is not null))
        {
            if (dataDir is not null) throw new UsageException("--data DIR and --train-src/... both name the corpus: give one or the other");
            foreach (var required in new[] { TrainSource, TrainTarget, TestSource, TestTarget })
                if (Get(required) is null) throw new UsageException($"{required.Name} is missing: explicit files need --train-src, --train-tgt, --test-src and --test-tgt");
            if ((Get(ValidSource) is null) != (Get(ValidTarget) is null)) throw new UsageException("--valid-src and --valid-tgt go together");
            return new MtCorpus(src ?? "src", tgt ?? "tgt", new ParallelFiles(Get(TrainSource)!, Get(TrainTarget)!),
                                Get(ValidSource) is null ? null : new ParallelFiles(Get(ValidSource)!, Get(ValidTarget)!),
                                new ParallelFiles(Get(TestSource)!, Get(TestTarget)!));
        }
        if (src is null || tgt is null) throw new UsageException("--src and --tgt go together (the language suffixes of DATA/train.SRC, DATA/train.TGT, ...)");
        if (src == tgt) throw new UsageException($"--src and --tgt are both '{src}'");
        if (dataDir is null) throw new UsageException($"--src {src} --tgt {tgt} need --data DIR holding train.{src}, train.{tgt}, test.{src}, test.{tgt} (fairseq's layout), or explicit --train-src ... files");
        return MtCorpus.FromFairseqLayout(dataDir, src, tgt);
    }

    /// <summary>
    /// Reads the corpus (and learns its BPE) before any run, so a bad file stops the command with its file:line once;
    /// the runs then reuse what was loaded (MtExperiment caches it per process). Returns the "data=" text of the settings record.
    /// </summary>
    public static string? Prepare(MtCorpus? corpus, ExperimentConfig config, string task)
    {
        if (task != "mt") return null;
        if (corpus is null) return "committed";
        Console.WriteLine($"data: {corpus}");
        _ = new MtExperiment(config, null, corpus);
        return corpus.ToString();
    }
}
