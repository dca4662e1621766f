using NativeDsp.Experiments.Pruning;
using System.CommandLine;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Training;

namespace NativeDsp.Experiments.Commands;

/// <summary><c>nativedsp nli</c> and <c>nativedsp mt</c>: one run (method x setting x K x seed), appended to DIR/results.csv.</summary>
public static class SingleRunCommand
{
    public static Command Create(ExperimentTask task)
    {
        string name = EnumText.Of(task);
        var command = new Command(name, task == ExperimentTask.Nli
            ? "one NLI head-pruning run (method, setting, K, seed) appended to DIR/results.csv"
            : "one translation head-pruning run (method, setting, K, seed) appended to DIR/results.csv");
        var method = CliOptions.RequiredChoice<PruningMethod>("--method", "how the K heads are chosen; none: the unpruned model (no --heads)");
        var setting = CliOptions.OptionalChoice<PruningSetting>("--setting",
            "joint: model and mask learn together; pipelined: the model is trained (cached in DIR/models), then frozen while the mask is learned (michel: scored); default joint (pipelined for michel)");
        var heads = CliOptions.OptionalInteger("--heads", "K, the heads kept in all (per module in proportion with --per-layer); required unless --method none", min: 1);
        var perLayer = new Option<bool>("--per-layer") { Description = "split K over the attention modules in proportion to their heads (--per-layer, --per-layer=true|false)" };
        var seed = CliOptions.Integer("--seed", "random seed of weights, data order and noise", min: 0, defaultValue: 1);
        var output = new Option<string>("--out") { Description = $"results folder (default: out/{name}); holds results.csv, the settings record and runs/<run>/", HelpName = "DIR", DefaultValueFactory = _ => Path.Combine("out", name) };
        var checkpointEvery = CliOptions.Integer("--checkpoint-every",
            "checkpoint training every N steps into DIR/runs/<run>/checkpoints (0: by time, --checkpoint-minutes); the same command continues from there after an interruption, even kill -9",
            min: 0, defaultValue: 0);
        var checkpointMinutes = CliOptions.Integer("--checkpoint-minutes", "also checkpoint after this many minutes of work since the last checkpoint (0: off)", min: 0, defaultValue: 5);
        var units = UnitOptions.Units("--units", "the units the method chooses among: heads, neurons (FFN), blocks (attention and FFN), attention-blocks, ffn-blocks, combined with ',' (heads,neurons) [default: heads]");
        var keepParams = UnitOptions.KeepParams();
        var keepFraction = UnitOptions.KeepFraction();
        var run = new RunOptions();
        command.Options.Add(units);
        command.Options.Add(keepParams);
        command.Options.Add(keepFraction);
        command.Options.Add(checkpointEvery);
        command.Options.Add(checkpointMinutes);
        command.Options.Add(method);
        command.Options.Add(setting);
        command.Options.Add(heads);
        command.Options.Add(perLayer);
        command.Options.Add(seed);
        command.Options.Add(output);
        run.AddTo(command);
        var corpusOptions = task == ExperimentTask.Mt ? new MtCorpusOptions() : null;
        corpusOptions?.AddTo(command);
        command.SetAction(parsed =>
        {
            var m = parsed.GetValue(method);
            var s = parsed.GetValue(setting) ?? PrunerFactory.Settings(m)[0];
            if (!RunSpec.IsValid(m, s))
                throw new UsageException(m == PruningMethod.Michel ? "--method michel scores a trained model: use --setting pipelined"
                    : $"--method {EnumText.Of(m)} has no {EnumText.Of(s)} setting: use --setting {string.Join(" or ", PrunerFactory.Settings(m).Select(EnumText.Of))}");
            var unitKinds = parsed.GetValue(units) ?? UnitKinds.Heads;
            var budget = UnitOptions.Budget(parsed.GetValue(keepParams), parsed.GetValue(keepFraction));
            string dir = parsed.GetValue(output)!;
            CliOptions.RequireFolder(dir);
            var config = run.Config(parsed, task);
            string preset = EnumText.Of(run.Preset.Value(parsed));
            int total = config.TotalHeads(name);
            if (m == PruningMethod.None && parsed.GetValue(heads) is int ignored)
                throw new UsageException($"--heads {ignored}: --method none keeps every head; drop --heads or choose a pruning method");
            if (m == PruningMethod.None && parsed.GetResult(perLayer) is { Implicit: false })
                throw new UsageException("--per-layer: --method none keeps every head; --per-layer splits --heads K of a pruning method");
            UnitOptions.Check(m, unitKinds, parsed.GetResult(units) is { Implicit: false }, budget, parsed.GetValue(heads), parsed.GetValue(perLayer), name);
            int k = m == PruningMethod.None ? total
                : budget is not null ? 0
                : parsed.GetValue(heads) ?? throw new UsageException("--heads K is required (the number of heads to keep), or a budget in parameters (--keep-params N, --keep-params-fraction F)");
            if (k > total) throw new UsageException($"--heads {k}: the {preset} {name} model has {total} heads");
            var spec = new RunSpec(name, s, m, k, parsed.GetValue(perLayer) && m != PruningMethod.None, parsed.GetValue(seed), preset, unitKinds, budget);
            if (!spec.IsUnitRun && run.Settings.Given(parsed, SettingOptions.UnitRunSettings).FirstOrDefault() is { } timing)
                throw new UsageException($"{timing}: only unit runs are timed (--units, --keep-params, or --method {string.Join(", ", Enum.GetValues<PruningMethod>().Where(PrunerFactory.IsUnitMethod).Select(EnumText.Of))}); this {spec.MethodName} head run would ignore it");
            run.Settings.CheckMethodSettings(parsed, [(m, s)], "--method", Console.Out);
            if (ExperimentRunner.CannotRun(spec, config) is { } problem) throw new UsageException(problem);
            var corpus = corpusOptions?.Resolve(parsed, name, parsed.GetValue(run.Data));
            string? data = corpus is null ? (name == "mt" ? "committed" : null) : corpus.ToString();
            if (RunConfigRecord.Conflict(dir, name, preset, config, data) is { } conflict) throw new UsageException(conflict);
            MtCorpusOptions.Prepare(corpus, config, name);
            string csv = Path.Combine(dir, ResultsFile.FileName);
            // A damaged results.csv is reported before the run, not after it when the row cannot be added.
            ResultsFile.Read(csv);

            using var device = Devices.Open(parsed.GetValue(run.Device));
            Console.WriteLine($"device: {device.SelectionReason}");
            Console.WriteLine($"run: {spec}");
            Console.WriteLine($"config: {config.Describe()}");
            var context = new RunContext(device, dir, Console.Out, corpus is null ? parsed.GetValue(run.Data) : null)
            {
                MtCorpus = corpus,
                SaveArtifacts = true,
                Progress = new PlainProgressSink(Console.Out),
                // The row (with the settings record) is written before the pruned model: a full disk must not lose the result.
                RecordRow = r =>
                {
                    RunConfigRecord.Record(dir, name, preset, config, data);
                    ResultsFile.Append(csv, r);
                },
                CheckpointEvery = parsed.GetValue(checkpointEvery),
                CheckpointInterval = TimeSpan.FromMinutes(parsed.GetValue(checkpointMinutes)),
            };
            var row = ExperimentRunner.Run(spec, config, context);
            Console.WriteLine($"{row.Metric} {row.Value:0.####} with {row.HeadsKept}/{row.HeadsTotal} heads; params {row.Params} -> {row.ParamsPruned}; {row.TrainSeconds:0.0} s");
            if (row.IsUnitRun) Console.WriteLine($"kept {row.KeptUnits}; forward {row.InferMsFull:0.###} -> {row.InferMsPruned:0.###} ms (speed-up {row.Speedup:0.###}, {row.TimeThreads} threads, load {row.TimeLoad})");
            Console.WriteLine($"results: {Path.GetFullPath(csv)}");
            return 0;
        });
        return command;
    }
}
