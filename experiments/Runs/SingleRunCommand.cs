using NativeDsp.Engine;
using NativeDsp.Experiments.Commands;
using NativeDsp.Experiments.Results;
using NativeDsp.Model.Training;

namespace NativeDsp.Experiments.Runs;

/// <summary><c>nativedsp nli</c> and <c>nativedsp mt</c>: one run (method x setting x K x seed), appended to DIR/results.csv.</summary>
public static class SingleRunCommand
{
    public static string Usage(string task) =>
        $"""
        usage: nativedsp {task} --method dsp|ste|voita|michel|none --setting joint|pipelined --heads K [--per-layer]
                                --preset quick|full|paper|pretrained --seed S --out DIR [--device auto|host|cuda|opencl|ilgpu-cpu] [--data PATH]
                                [--<setting> VALUE ...]
          --heads K      heads kept in all (per module in proportion with --per-layer); ignored for --method none
          --setting      joint: model and mask learn together; pipelined: the model is trained (cached in DIR/models),
                         then frozen while the mask is learned (michel: scored); default joint (pipelined for michel)
          --preset       quick (default), full, paper; nli also pretrained (MiniLM fine-tuned); --seed default 1; --out default out/{task}
          --init         nli: bert|fairseq (random init) or minilm|PATH (start from MiniLM or a BERT checkpoint directory
                         with model.safetensors, config.json, vocab.txt; the model shape then comes from it)
          --attn_heads   heads per attention module (--heads is K)
        {RunArguments.OverrideHelp}
          --checkpoint-every N  checkpoint training every N steps into DIR/runs/<run>/checkpoints (default: every 5 minutes
                         of work); after an interruption (even kill -9) the same command continues from there
        Writes DIR/results.csv (one row per run, replaced when rerun) and DIR/runs/<run>/ (pruned model, mask snapshots).
        """;

    static readonly string[] ValueOptions = ["--method", "--setting", "--heads", "--preset", "--seed", "--out", "--device", "--data", "--checkpoint-every"];

    public static int Run(string task, string[] args)
    {
        string usage = Usage(task);
        var options = CommandOptions.Parse(args, [.. ValueOptions, .. RunArguments.OverrideOptions], ["--per-layer"], usage);
        if (options.Positional.Count > 0) throw new UsageException($"unexpected argument '{options.Positional[0]}'", usage);
        string method = options.Get("--method") ?? throw new UsageException("--method is required", usage);
        RunArguments.OneOfOrUsage(method, RunSpec.Methods, "--method", usage);
        string setting = RunArguments.Choice(options, "--setting", method == "michel" ? "pipelined" : "joint", RunSpec.Settings, usage);
        string preset = RunArguments.Choice(options, "--preset", "quick", Presets.Names, usage);
        var config = RunArguments.Config(options, task, preset, usage);
        int total = config.TotalHeads(task);
        int k = method == "none" ? total : RunArguments.Integer(options, "--heads", -1, usage, min: 1);
        if (k < 0) throw new UsageException("--heads K is required", usage);
        if (k > total) throw new UsageException($"--heads {k}: the {preset} {task} model has {total} heads", usage);
        var parsedSetting = RunSpec.ParseSetting(setting);
        if (!RunSpec.IsValid(method, parsedSetting)) throw new UsageException("michel scores a trained model: use --setting pipelined", usage);
        var spec = new RunSpec(task, parsedSetting, method, k, options.Has("--per-layer") && method != "none",
                               RunArguments.Integer(options, "--seed", 1, usage), preset);
        string dir = options.Get("--out") ?? Path.Combine("out", task);
        long checkpointEvery = RunArguments.Integer(options, "--checkpoint-every", 0, usage, min: 1);

        using var device = SelectDevice(options.Get("--device"), usage);
        RunConfigRecord.CheckOrRecord(dir, task, preset, config);
        Console.WriteLine($"device: {device.SelectionReason}");
        Console.WriteLine($"run: {spec}");
        Console.WriteLine($"config: {config.Describe()}");
        string csv = Path.Combine(dir, ResultsFile.FileName);
        var context = new RunContext(device, dir, Console.Out, options.Get("--data"))
        {
            SaveArtifacts = true,
            Progress = new PlainProgressSink(Console.Out),
            // The row is recorded before the pruned model is written (a full disk must not lose the result).
            RecordRow = r => ResultsFile.Append(csv, r),
            CheckpointEvery = checkpointEvery,
        };
        var row = ExperimentRunner.Run(spec, config, context);
        Console.WriteLine($"{row.Metric} {row.Value:0.####} with {row.HeadsKept}/{row.HeadsTotal} heads; params {row.Params} -> {row.ParamsPruned}; {row.TrainSeconds:0.0} s");
        Console.WriteLine($"results: {Path.GetFullPath(csv)}");
        return 0;
    }

    /// <summary>The device for --device; an unknown name is a usage error, an unavailable one a plain error.</summary>
    public static Device SelectDevice(string? requested, string usage)
    {
        try
        {
            return Device.Select(requested);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, usage);
        }
    }
}
