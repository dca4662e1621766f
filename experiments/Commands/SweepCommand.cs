using System.Diagnostics;
using NativeDsp.Experiments.Plots;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Training;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp sweep</c>: the grid settings x seeds x methods x K of one task. Each finished row is added to
/// DIR/results.csv at once (atomically) and the plots are redrawn; a restarted sweep skips the rows already
/// there; <c>--shard i/n</c> runs every n-th row so that n processes (a job array) cover the grid once.
/// </summary>
public static class SweepCommand
{
    public const string Usage =
        $"""
        usage: nativedsp sweep --task nli|mt --out DIR [--preset quick|full|paper|pretrained] [--methods dsp,ste,voita,michel,none]
                               [--heads K1,K2,...] [--seeds 1,2,3] [--settings joint,pipelined] [--per-layer] [--shard i/n]
                               [--device auto|host|cuda|opencl|ilgpu-cpu] [--data PATH] [--<setting> VALUE ...]
          --heads     K values (default: the preset's grid); "none" runs once per setting and seed with every head
          --shard i/n run rows i-1, i-1+n, ... of the grid (1-based i); shards may share DIR
          --attn_heads heads per attention module (--heads is the K grid)
          --init      nli: bert|fairseq, or minilm|PATH to fine-tune a pretrained encoder (preset pretrained: minilm)
          DIR keeps the settings of each task/preset it holds (config.<task>.<preset>.txt); other settings are refused
        """;

    static readonly string[] ValueOptions = ["--task", "--out", "--preset", "--methods", "--heads", "--seeds", "--settings", "--shard", "--device", "--data"];
    static readonly string[] DefaultSeeds = ["1", "2", "3"];

    public static int Run(string[] args)
    {
        string usage = Usage + "\n" + RunArguments.OverrideHelp;
        var options = CommandOptions.Parse(args, [.. ValueOptions, .. RunArguments.OverrideOptions], ["--per-layer"], usage);
        if (options.Positional.Count > 0) throw new UsageException($"unexpected argument '{options.Positional[0]}'", usage);
        string task = options.Get("--task") ?? throw new UsageException("--task is required", usage);
        RunArguments.OneOfOrUsage(task, RunSpec.Tasks, "--task", usage);
        string dir = options.Get("--out") ?? throw new UsageException("--out DIR is required", usage);
        string preset = RunArguments.Choice(options, "--preset", "quick", Presets.Names, usage);
        var config = RunArguments.Config(options, task, preset, usage);
        int total = config.TotalHeads(task);
        var methods = RunArguments.List(options, "--methods", RunSpec.Methods, m => RunArguments.OneOf(m, RunSpec.Methods), usage);
        var settings = RunArguments.List(options, "--settings", RunSpec.Settings, s => RunArguments.OneOf(s, RunSpec.Settings), usage);
        var heads = RunArguments.List(options, "--heads", config.HeadsGrid, RunArguments.PositiveInt, usage);
        if (heads.FirstOrDefault(k => k > total) is int tooMany and > 0)
            throw new UsageException($"--heads {tooMany}: the {preset} {task} model has {total} heads", usage);
        var seeds = RunArguments.List(options, "--seeds", DefaultSeeds.Select(int.Parse).ToList(), RunArguments.NonNegativeInt, usage);
        var grid = SweepGrid.Build(task, preset, settings, methods, heads.Order().ToList(), seeds, options.Has("--per-layer"), total);
        if (options.Get("--shard") is string shardText)
        {
            try
            {
                var (i, n) = SweepGrid.ParseShard(shardText);
                grid = SweepGrid.Shard(grid, i, n);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message, usage);
            }
        }

        string csv = Path.Combine(dir, ResultsFile.FileName);
        var done = ResultsFile.Read(csv).Select(r => r.Key).ToHashSet();
        var todo = grid.Where(r => !done.Contains(r.Key)).ToList();
        using var device = SingleRunCommand.SelectDevice(options.Get("--device"), usage);
        RunConfigRecord.CheckOrRecord(dir, task, preset, config);
        Console.WriteLine($"device: {device.SelectionReason}");
        Console.WriteLine($"sweep: {task} preset {preset}, {grid.Count} runs in this {(options.Get("--shard") is null ? "grid" : "shard")}, " +
                          $"{grid.Count - todo.Count} already in {csv}, {todo.Count} to run");
        Console.WriteLine($"config: {config.Describe()}");
        var context = new RunContext(device, dir, Console.Out, options.Get("--data"))
        {
            Progress = new PlainProgressSink(Console.Out, interval: TimeSpan.FromSeconds(30)),
        };
        var clock = Stopwatch.StartNew();
        int failed = 0;
        var firstFailures = new List<(RunSpec Spec, string Error)>();
        string? stoppedBecause = null;
        for (int i = 0; i < todo.Count && stoppedBecause is null; i++)
        {
            var spec = todo[i];
            Console.WriteLine($"[{i + 1}/{todo.Count}] {spec}  ({clock.Elapsed.TotalMinutes:0.0} min so far)");
            try
            {
                var row = ExperimentRunner.Run(spec, config, context);
                var rows = ResultsFile.Append(csv, row);
                Console.WriteLine($"  -> {row.Metric} {row.Value:0.####}, {row.TrainSeconds:0.0} s");
                DrawPlots(rows, dir);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failed++;
                string error = e is NativeDsp.Engine.ExpectedFailureException or IOException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                Console.Error.WriteLine($"  run failed: {spec}: {error}");
                if (failed == i + 1) firstFailures.Add((spec, error));
                stoppedBecause = RepeatedFailure(firstFailures);
            }
        }
        if (stoppedBecause is not null) Console.Error.WriteLine(stoppedBecause);
        var all = ResultsFile.Read(csv);
        if (all.Count > 0) DrawPlots(all, dir);
        Console.WriteLine();
        Console.WriteLine($"sweep {(stoppedBecause is null ? "finished" : "stopped")} in {clock.Elapsed.TotalMinutes:0.0} min{(failed > 0 ? $", {failed} runs failed" : "")}");
        Console.WriteLine(SummaryTable.Format(all.Where(r => r.Task == task && r.Preset == preset).ToList()));
        // Only what exists: a sweep whose every run failed has no results file and no plots.
        var outputs = new[] { csv, Path.Combine(dir, QualityPlot.FileName), Path.Combine(dir, KeptHeadsPlot.FileName) }.Where(File.Exists).ToList();
        if (outputs.Count == 0) Console.WriteLine("no results were written");
        else
        {
            if (File.Exists(csv)) Console.WriteLine($"results: {Path.GetFullPath(csv)}");
            var plots = outputs.Skip(File.Exists(csv) ? 1 : 0).ToList();
            for (int p = 0; p < plots.Count; p++) Console.WriteLine($"{(p == 0 ? "plots:" : ""),-9}{Path.GetFullPath(plots[p])}");
        }
        return failed == 0 ? 0 : 1;
    }

    /// <summary>The sweep stops when its first runs all failed with this many identical errors: the rest would fail alike.</summary>
    public const int RepeatedFailuresToStop = 3;

    /// <summary>
    /// The message that stops a sweep whose first <see cref="RepeatedFailuresToStop"/> runs failed with the same error
    /// (naming the runs and the error), or null while it should go on.
    /// </summary>
    public static string? RepeatedFailure(IReadOnlyList<(RunSpec Spec, string Error)> firstFailures)
    {
        if (firstFailures.Count < RepeatedFailuresToStop || firstFailures.Select(f => f.Error).Distinct().Count() != 1) return null;
        return $"sweep stopped: its first {firstFailures.Count} runs ({string.Join("; ", firstFailures.Select(f => f.Spec))}) failed with the same error, " +
               $"which the remaining runs would repeat: {firstFailures[0].Error}";
    }

    /// <summary>Redraws both plots from the rows (every task/preset in the file is drawn; a sweep folder normally holds one).</summary>
    public static void DrawPlots(IReadOnlyList<ResultRow> rows, string dir)
    {
        QualityPlot.Save(Path.Combine(dir, QualityPlot.FileName), rows);
        KeptHeadsPlot.Save(Path.Combine(dir, KeptHeadsPlot.FileName), rows);
    }
}
