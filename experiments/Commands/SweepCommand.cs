using NativeDsp.Experiments.Pruning;
using System.CommandLine;
using System.Diagnostics;
using NativeDsp.Experiments.Plots;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Units;
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
        var methods = new Option<List<PruningMethod>>("--methods")
        {
            Description = "methods to run (default: the head methods dsp, ste, voita, michel, none; a unit sweep: the preset's methods)",
            HelpName = string.Join(",", EnumText.Names<PruningMethod>()),
            CustomParser = CliOptions.List<PruningMethod>("--methods", "", "", s => EnumText.TryParse(s, out PruningMethod v)
                ? v : throw new ArgumentException($"expected one of {string.Join(", ", EnumText.Names<PruningMethod>())}")).CustomParser,
        };
        var settings = new Option<List<PruningSetting>>("--settings")
        {
            Description = "settings to run (default: joint and pipelined; a unit sweep: each method's own, pipelined where it has it; given, each method runs in every listed setting it has)",
            HelpName = string.Join(",", EnumText.Names<PruningSetting>()),
            CustomParser = CliOptions.List<PruningSetting>("--settings", "", "", s => EnumText.TryParse(s, out PruningSetting v)
                ? v : throw new ArgumentException($"expected one of {string.Join(", ", EnumText.Names<PruningSetting>())}")).CustomParser,
        };
        var units = new Option<List<UnitKinds>>("--units")
        {
            Description = "unit sets of a unit sweep, each a kind list (heads, heads,neurons, heads+blocks); repeat the option or separate sets with ';' " +
                          "(default: dsp over heads and heads,neurons, every other method its own set)",
            HelpName = "SET[;SET...]",
            CustomParser = r =>
            {
                var sets = new List<UnitKinds>();
                try
                {
                    foreach (var token in r.Tokens)
                        foreach (string set in token.Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                            sets.Add(UnitKindsText.Parse(set));
                }
                catch (ArgumentException e)
                {
                    r.AddError($"--units: {e.Message}");
                }
                return sets.Distinct().ToList();
            },
        };
        var fractions = CliOptions.List("--keep-params-fractions", "parameter budgets of a unit sweep: shares in (0, 1] of the prunable units' parameters kept (default: the preset's, e.g. units: 0.25,0.5,0.75,0.9)",
                                        "F1,F2,...", s => UnitOptions.FractionOf(s, "--keep-params-fractions", _ => throw new ArgumentException("expected a number in (0, 1]")) ?? 0);
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
        var corpus = new MtCorpusOptions();
        foreach (Option o in new Option[] { task, output, methods, settings, heads, seeds, perLayer, shard, units, fractions }) command.Options.Add(o);
        run.AddTo(command);
        corpus.AddTo(command);
        command.SetAction(parsed => Run(parsed, parsed.GetValue(task), parsed.GetValue(output)!, parsed.GetValue(methods), parsed.GetValue(settings),
                                        parsed.GetValue(heads), parsed.GetValue(seeds)!, parsed.GetValue(perLayer), parsed.GetValue(shard), run, corpus,
                                        parsed.GetValue(units), parsed.GetValue(fractions)));
        return command;
    }

    /// <summary>The methods of a head sweep when --methods is not given (today's grid).</summary>
    static readonly PruningMethod[] HeadMethods = [PruningMethod.Dsp, PruningMethod.Ste, PruningMethod.Voita, PruningMethod.Michel, PruningMethod.None];

    static int Run(ParseResult parsed, ExperimentTask taskChoice, string dir, List<PruningMethod>? methodChoice, List<PruningSetting>? settingChoice,
                   List<int>? heads, List<int> seeds, bool perLayer, (int Index, int Count)? shard, RunOptions run, MtCorpusOptions corpusOptions,
                   List<UnitKinds>? units, List<double>? fractions)
    {
        CliOptions.RequireFolder(dir);
        // An absent list option may read as an empty list: absent either way.
        if (heads is { Count: 0 }) heads = null;
        if (methodChoice is { Count: 0 }) methodChoice = null;
        if (settingChoice is { Count: 0 }) settingChoice = null;
        if (units is { Count: 0 }) units = null;
        if (fractions is { Count: 0 }) fractions = null;
        string task = EnumText.Of(taskChoice);
        var config = run.Config(parsed, taskChoice);
        string preset = EnumText.Of(run.Preset.Value(parsed));
        int total = config.TotalHeads(task);
        // A unit sweep: budgets in parameters (given, or the preset's grid when --heads is not given).
        var budgets = fractions ?? (heads is null && config.KeepParamsGrid.Length > 0 ? config.KeepParamsGrid.ToList() : null);
        if (budgets is not null && heads is not null) throw new UsageException("--heads and --keep-params-fractions: a sweep has one kind of budget");
        if (budgets is null && units is not null) throw new UsageException("--units: a unit sweep needs budgets in parameters (--keep-params-fractions F1,F2,...)");
        if (budgets is not null && perLayer) throw new UsageException("--per-layer splits K heads over the modules; a unit sweep's budgets are in parameters");
        if (budgets is not null && task == "mt") throw new UsageException("--keep-params-fractions: unit sweeps are nli only (the mt model prunes heads only)");
        List<PruningMethod> methods = methodChoice ?? (budgets is not null && config.UnitMethods.Length > 0 ? config.UnitMethods.ToList() : HeadMethods.ToList());
        // The unit procedures build on the nli classifier's unit index; an mt grid of them would start and fail every run.
        if (task == "mt" && methods.FirstOrDefault(PrunerFactory.IsUnitMethod) is var unitMethod && PrunerFactory.IsUnitMethod(unitMethod))
            throw new UsageException($"--methods {EnumText.Of(unitMethod)}: unit pruning (gradrank, smp, mlpruning, snip) is nli only: the mt model prunes heads only " +
                                     $"(dsp, ste, voita, michel, none)");
        // The unpruned baseline alone reads none of the pruning options: they would be dropped without a word.
        if (methods.All(m => m == PruningMethod.None) &&
            (fractions is not null ? "--keep-params-fractions" : units is not null ? "--units" : perLayer ? "--per-layer" : heads is not null ? "--heads" : null) is { } unread)
            throw new UsageException($"{unread}: --methods none keeps every unit and runs once per setting and seed; add a pruning method or drop {unread}");
        List<RunSpec> grid;
        if (budgets is not null)
        {
            if (methods.Contains(PruningMethod.Michel))
                throw new UsageException("--methods michel: Michel et al. run with K heads (--heads), not a parameter budget");
            // A method none of whose unit sets it can prune would silently vanish from the grid: say so instead.
            foreach (var m in methods.Where(m => m != PruningMethod.None))
                if (units is not null && !units.Any(k => PrunerFactory.Supports(m, k)))
                    throw new UsageException($"--methods {EnumText.Of(m)} prunes none of the --units sets ({string.Join("; ", units.Select(UnitKindsText.Of))}): " +
                                             $"add a set it prunes, e.g. --units \"{string.Join("; ", units.Select(UnitKindsText.Of).Append(UnitKindsText.Of(PrunerFactory.DefaultUnits(m)[0])))}\", or drop it");
            // A method run in none of the --settings would silently vanish (it used to run in its own setting instead): say so.
            foreach (var m in methods)
                if (SweepGrid.UnitSettings(m, settingChoice).Count == 0)
                    throw new UsageException($"--settings {string.Join(",", settingChoice!.Select(EnumText.Of))}: --methods {EnumText.Of(m)} runs only " +
                                             $"{string.Join(" or ", PrunerFactory.Settings(m).Select(EnumText.Of))}: add its setting or drop the method");
            // A set some methods prune and others do not is a grid, not an error; the rows it does not make are named.
            foreach (var m in methods.Where(m => m != PruningMethod.None && units is not null))
                foreach (var set in units!.Where(k => !PrunerFactory.Supports(m, k)))
                    Console.WriteLine($"note: {EnumText.Of(m)} does not prune {UnitKindsText.Of(set)}: the grid has no {EnumText.Of(m)} rows over those units");
            grid = SweepGrid.BuildUnits(task, preset, methods, m => units ?? PrunerFactory.DefaultUnits(m), m => SweepGrid.UnitSettings(m, settingChoice),
                                        budgets.Order().ToList(), seeds, total);
            run.Settings.CheckMethodSettings(parsed, grid.Select(r => (r.Method, r.Setting)), "--methods", Console.Out);
            if (shard is var (si, sn)) grid = SweepGrid.Shard(grid, si, sn);
            return RunGrid(parsed, task, preset, config, dir, grid, shard is not null, run, corpusOptions);
        }
        var settings = settingChoice ?? [PruningSetting.Joint, PruningSetting.Pipelined];
        // --heads applies to both settings; else the preset's grids (pipelined: the full curve; joint: fewer K, each a training run).
        List<int> pipelinedHeads = (heads ?? config.HeadsGrid.ToList()).Order().ToList();
        List<int> jointHeads = (heads ?? (config.JointHeadsGrid.Length > 0 ? config.JointHeadsGrid : config.HeadsGrid).ToList()).Order().ToList();
        if (pipelinedHeads.Concat(jointHeads).FirstOrDefault(k => k > total) is int tooMany and > 0)
            throw new UsageException($"--heads {tooMany}: the {preset} {task} model has {total} heads");
        grid = SweepGrid.Build(task, preset, settings, methods, s => s == PruningSetting.Joint ? jointHeads : pipelinedHeads, seeds, perLayer, total);
        run.Settings.CheckMethodSettings(parsed, grid.Select(r => (r.Method, r.Setting)), "--methods", Console.Out);
        if (shard is var (i, n)) grid = SweepGrid.Shard(grid, i, n);
        return RunGrid(parsed, task, preset, config, dir, grid, shard is not null, run, corpusOptions);
    }

    static int RunGrid(ParseResult parsed, string task, string preset, ExperimentConfig config, string dir, List<RunSpec> grid, bool sharded,
                       RunOptions run, MtCorpusOptions corpusOptions)
    {
        if (!grid.Any(r => r.IsUnitRun) && run.Settings.Given(parsed, SettingOptions.UnitRunSettings).FirstOrDefault() is { } timing)
            throw new UsageException($"{timing}: only unit runs are timed (--keep-params-fractions, or --methods {string.Join(",", Enum.GetValues<PruningMethod>().Where(PrunerFactory.IsUnitMethod).Select(EnumText.Of))}); " +
                                     "this grid of head runs would ignore it");
        var corpus = corpusOptions.Resolve(parsed, task, parsed.GetValue(run.Data));
        string? data = corpus is null ? (task == "mt" ? "committed" : null) : corpus.ToString();
        if (RunConfigRecord.Conflict(dir, task, preset, config, data) is { } conflict) throw new UsageException(conflict);
        MtCorpusOptions.Prepare(corpus, config, task);

        string csv = Path.Combine(dir, ResultsFile.FileName);
        var done = ResultsFile.Read(csv).Select(r => r.Key).ToHashSet();
        var todo = grid.Where(r => !done.Contains(r.Key)).ToList();
        using var device = Devices.Open(parsed.GetValue(run.Device));
        Console.WriteLine($"device: {device.SelectionReason}");
        Console.WriteLine($"sweep: {task} preset {preset}, {grid.Count} runs in this {(sharded ? "shard" : "grid")}, " +
                          $"{grid.Count - todo.Count} already in {csv}, {todo.Count} to run");
        Console.WriteLine($"config: {config.Describe()}");
        if (config.Protocol.Length > 0) Console.WriteLine($"protocol: {config.Protocol}");
        var context = new RunContext(device, dir, Console.Out, corpus is null ? parsed.GetValue(run.Data) : null)
        {
            MtCorpus = corpus,
            Progress = new PlainProgressSink(Console.Out, interval: TimeSpan.FromSeconds(30)),
        };
        var clock = Stopwatch.StartNew();
        int failed = 0;
        var firstFailures = new List<(RunSpec Spec, string Error)>();
        string? stoppedBecause = null;
        for (int r = 0; r < todo.Count && stoppedBecause is null; r++)
        {
            var spec = todo[r];
            Console.WriteLine($"[{r + 1}/{todo.Count}] {spec}  ({clock.Elapsed.TotalMinutes:0.0} min so far)");
            try
            {
                var row = ExperimentRunner.Run(spec, config, context);
                RunConfigRecord.Record(dir, task, preset, config, data);
                var rows = ResultsFile.Append(csv, row);
                Console.WriteLine($"  -> {row.Metric} {row.Value:0.####}, {row.TrainSeconds:0.0} s");
                DrawPlots(rows, dir);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failed++;
                string error = e is NativeDsp.Engine.ExpectedFailureException or IOException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                Console.Error.WriteLine($"  run failed: {spec}: {error}");
                if (failed == r + 1) firstFailures.Add((spec, error));
                stoppedBecause = RepeatedFailure(firstFailures);
            }
        }
        if (stoppedBecause is not null) Console.Error.WriteLine(stoppedBecause);
        var all = ResultsFile.Read(csv);
        if (all.Count > 0) DrawPlots(all, dir);
        Console.WriteLine();
        Console.WriteLine($"sweep {(stoppedBecause is null ? "finished" : "stopped")} in {clock.Elapsed.TotalMinutes:0.0} min{(failed > 0 ? $", {failed} runs failed" : "")}");
        var mine = all.Where(r => r.Task == task && r.Preset == preset).ToList();
        if (mine.Count > 0) Console.WriteLine(SummaryTable.Format(mine));
        // Only what exists: a sweep whose every run failed has no results.csv and no plots to point at.
        var outputs = new[] { csv, Path.Combine(dir, QualityPlot.FileName), Path.Combine(dir, KeptHeadsPlot.FileName), Path.Combine(dir, UnitsPlot.FileName) }
            .Where(File.Exists).Select(Path.GetFullPath).ToList();
        if (outputs.Count == 0) Console.WriteLine($"no results in {Path.GetFullPath(dir)}");
        for (int o = 0; o < outputs.Count; o++) Console.WriteLine($"{(o == 0 ? "outputs:" : "        ")} {outputs[o]}");
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

    /// <summary>
    /// Redraws the plots the rows have data for (every task/preset in the file is drawn; a sweep folder normally holds
    /// one): the head plots when there are head-pruning rows, the units plot when there are unit rows (a unit sweep's
    /// folder got two empty head plots before). Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> DrawPlots(IReadOnlyList<ResultRow> rows, string dir)
    {
        var written = new List<string>();
        if (rows.Any(r => !r.IsUnitRun && r.Method != "none") || !rows.Any(r => r.IsUnitRun))
        {
            QualityPlot.Save(Path.Combine(dir, QualityPlot.FileName), rows);
            KeptHeadsPlot.Save(Path.Combine(dir, KeptHeadsPlot.FileName), rows);
            written.Add(Path.Combine(dir, QualityPlot.FileName));
            written.Add(Path.Combine(dir, KeptHeadsPlot.FileName));
        }
        // Unit runs get quality vs kept parameters and vs measured speed-up.
        if (rows.Any(r => r.IsUnitRun))
        {
            UnitsPlot.Save(Path.Combine(dir, UnitsPlot.FileName), rows);
            written.Add(Path.Combine(dir, UnitsPlot.FileName));
        }
        return written;
    }
}
