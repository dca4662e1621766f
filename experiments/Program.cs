namespace NativeDsp.Experiments;

/// <summary>The <c>nativedsp</c> command line: one verb per command, each in Commands/.</summary>
public static class Program
{
    /// <summary>Every command: name, one-line help, entry point (args after the verb; returns the exit code).</summary>
    static readonly (string Name, string Help, Func<string[], int> Run)[] Verbs =
    [
        ("sweep", "run a grid of pruning experiments (task x setting x method x K x seed) to results.csv, plots and a table", NativeDsp.Experiments.Commands.SweepCommand.Run),
        ("nli", "one NLI head-pruning run (method, setting, K, seed) appended to DIR/results.csv", NativeDsp.Experiments.Commands.NliCommand.Run),
        ("mt", "one translation head-pruning run (method, setting, K, seed) appended to DIR/results.csv", NativeDsp.Experiments.Commands.MtCommand.Run),
        ("plot", "redraw the plots and the summary table of a results.csv", NativeDsp.Experiments.Commands.PlotCommand.Run),
        ("topk", "a head-mask relaxation (dsp, ste, concrete) and its gradient on given logits, as CSV", NativeDsp.Experiments.Commands.TopKCommand.Run),
        ("device", "print which compute backend would be used and why", NativeDsp.Experiments.Commands.DeviceCommand.Run),
        ("data", "build the committed data sets from their sources, or print their statistics", NativeDsp.Experiments.Commands.DataCommand.Run),
        ("tokenize", "BERT uncased WordPiece tokens (or ids, or packed pairs) of each line of a file", NativeDsp.Experiments.Commands.TokenizeCommand.Run),
        ("bleu", "corpus BLEU of a hypothesis file against reference files (sacreBLEU's default)", NativeDsp.Experiments.Commands.BleuCommand.Run),
        ("train-demo", "train a tiny NLI classifier on a synthetic task (progress, checkpoints, --resume)", NativeDsp.Experiments.Commands.TrainDemoCommand.Run),
    ];

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage(Console.Out);
            return args.Length == 0 ? 2 : 0;
        }
        foreach (var (name, _, run) in Verbs)
            if (name == args[0])
            {
                try
                {
                    return run(args[1..]);
                }
                catch (UsageException e)
                {
                    Console.Error.WriteLine($"nativedsp {name}: {e.Message}");
                    if (e.Usage is not null) Console.Error.WriteLine(e.Usage);
                    return 2;
                }
            }
        Console.Error.WriteLine($"nativedsp: unknown command '{args[0]}'");
        PrintUsage(Console.Error);
        return 2;
    }

    static void PrintUsage(TextWriter w)
    {
        w.WriteLine("usage: nativedsp <command> [options]");
        w.WriteLine();
        foreach (var (name, help, _) in Verbs) w.WriteLine($"  {name,-10} {help}");
    }
}

/// <summary>A bad command line: reported with the command's usage and exit code 2.</summary>
public sealed class UsageException(string message, string? usage = null) : Exception(message)
{
    public string? Usage { get; } = usage;
}
