using System.CommandLine;
using System.Diagnostics;
using NativeDsp.Experiments.Plots;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pruning;
using NativeDsp.Experiments.Pruning;
using NativeDsp.Model.Training;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp sweep</c>: the grid settings x seeds x methods x K of one task. Each finished row is added to
/// DIR/results.csv at once (atomically) and the plots are redrawn; a restarted sweep skips the rows already
/// there; <c>--shard i/n</c> runs every n-th row so that n processes (a job array) cover the grid once.
/// </summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var command = new Command("sweep", "run a grid of pruning experiments (task x setting x method x K x seed) to results.csv, plots and a table");
        var task = CliOptions.RequiredChoice<ExperimentTask>("--task", "nli (accuracy) or mt (BLEU)");
        var output = new Option<string>("--out")
        {
            Description = "results folder; keeps the settings of each task/preset it holds (config.<task>.<preset>.txt) and refuses other settings",
            HelpName = "DIR",
            Required = true,
        };
        var methods = CliOptions.ChoiceList("--methods", "methods to run (default: all)", Enum.GetValues<PruningMethod>());
        var settings = CliOptions.ChoiceList("--settings", "settings to run (default: both)", Enum.GetValues<PruningSetting>());
        var heads = CliOptions.List("--heads", "K values (default: the preset's grid); method none runs once per setting and seed with every head",
                                    "K1,K2,...", s => CliOptions.Integer(s, 1));
        var seeds = CliOptions.List("--seeds", "seeds (default: 1,2,3)", "S1,S2,...", s => CliOptions.Integer(s, 0), () => [1, 2, 3]);
        var perLayer = new Option<bool>("--per-layer") { Description = "split each K over the attention modules in proportion to their heads" };
        var shard = new Option<(int Index, int Count)?>("--shard")
        {
            Description = "run rows i-1, i-1+n, ... of the grid (1-based i); shards may share DIR",
            HelpName = "i/n",
            CustomParser = r =>
            {
                try
                {
                    return SweepGrid.ParseShard(r.Tokens[^1].Value);
                }
                catch (ArgumentException e)
                {
                    r.AddError(e.Message);
                    return null;
                }
            },
        };
        var run = new RunOptions();
        foreach (Option o in new Option[] { task, output, methods, settings, heads, seeds, perLayer, shard }) command.Options.Add(o);
        run.AddTo(command);
        command.SetAction(parsed => Run(parsed, parsed.GetValue(task), parsed.GetValue(output)!, parsed.GetValue(methods)!, parsed.GetValue(settings)!,
                                        parsed.GetValue(heads), parsed.GetValue(seeds)!, parsed.GetValue(perLayer), parsed.GetValue(shard), run));
        return command;
    }

    static int Run(ParseResult parsed, ExperimentTask taskChoice, string dir, List<PruningMethod> methods, List<PruningSetting> settings,
                   List<int>? heads, List<int> seeds, bool perLayer, (int Index, int Count)? shard, RunOptions run)
    {
        CliOptions.RequireFolder(dir);
        string task = EnumText.Of(taskChoice);
        var config = run.Config(parsed, taskChoice);
        string preset = EnumText.Of(run.Preset.Value(parsed));
        int total = config.TotalHeads(task);
        heads ??= config.HeadsGrid.ToList();
        if (heads.FirstOrDefault(k => k > total) is int tooMany and > 0)
            throw new UsageException($"--heads {tooMany}: the {preset} {task} model has {total} heads");
        var grid = SweepGrid.Build(task, preset, settings, methods, heads.Order().ToList(), seeds, perLayer, total);
        if (shard is var (i, n)) grid = SweepGrid.Shard(grid, i, n);
        if (RunConfigRecord.Conflict(dir, task, preset, config) is { } conflict) throw new UsageException(conflict);

        string csv = Path.Combine(dir, ResultsFile.FileName);
        var done = ResultsFile.Read(csv).Select(r => r.Key).ToHashSet();
        var todo = grid.Where(r => !done.Contains(r.Key)).ToList();
        using var device = Devices.Open(parsed.GetValue(run.Device));
        Console.WriteLine($"device: {device.SelectionReason}");
        Console.WriteLine($"sweep: {task} preset {preset}, {grid.Count} runs in this {(shard is null ? "grid" : "shard")}, " +
                          $"{grid.Count - todo.Count} already in {csv}, {todo.Count} to run");
        Console.WriteLine($"config: {config.Describe()}");
        var context = new RunContext(device, dir, Console.Out, parsed.GetValue(run.Data))
        {
            Progress = new PlainProgressSink(Console.Out, interval: TimeSpan.FromSeconds(30)),
        };
        var clock = Stopwatch.StartNew();
        int failed = 0;
        for (int r = 0; r < todo.Count; r++)
        {
            var spec = todo[r];
            Console.WriteLine($"[{r + 1}/{todo.Count}] {spec}  ({clock.Elapsed.TotalMinutes:0.0} min so far)");
            try
            {
                var row = ExperimentRunner.Run(spec, config, context);
                RunConfigRecord.Record(dir, task, preset, config);
                var rows = ResultsFile.Append(csv, row);
                Console.WriteLine($"  -> {row.Metric} {row.Value:0.####}, {row.TrainSeconds:0.0} s");
                DrawPlots(rows, dir);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failed++;
                Console.Error.WriteLine($"  run failed: {spec}: {e.GetType().Name}: {e.Message}");
            }
        }
        var all = ResultsFile.Read(csv);
        if (all.Count > 0) DrawPlots(all, dir);
        Console.WriteLine();
        Console.WriteLine($"sweep finished in {clock.Elapsed.TotalMinutes:0.0} min{(failed > 0 ? $", {failed} runs failed" : "")}");
        var mine = all.Where(r => r.Task == task && r.Preset == preset).ToList();
        if (mine.Count > 0) Console.WriteLine(SummaryTable.Format(mine));
        // Only what exists: a sweep whose every run failed has no results.csv and no plots to point at.
        var outputs = new[] { csv, Path.Combine(dir, QualityPlot.FileName), Path.Combine(dir, KeptHeadsPlot.FileName) }
            .Where(File.Exists).Select(Path.GetFullPath).ToList();
        if (outputs.Count == 0) Console.WriteLine($"no results in {Path.GetFullPath(dir)}");
        for (int o = 0; o < outputs.Count; o++) Console.WriteLine($"{(o == 0 ? "outputs:" : "        ")} {outputs[o]}");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Redraws both plots from the rows (every task/preset in the file is drawn; a sweep folder normally holds one).</summary>
    public static void DrawPlots(IReadOnlyList<ResultRow> rows, string dir)
    {
        QualityPlot.Save(Path.Combine(dir, QualityPlot.FileName), rows);
        KeptHeadsPlot.Save(Path.Combine(dir, KeptHeadsPlot.FileName), rows);
    }
}
