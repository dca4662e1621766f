using System.Globalization;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;

namespace NativeDsp.Model.Training;

/// <summary>
/// Everything a training run needs to continue exactly where it stopped, in one safetensors file:
/// tensors "MODULE.NAME" for every saved module's state dict ("model.encoder.layers.0...", "pruner....")
/// and "optimizer.gG.pI.m|v" for the Adam moments; scalars as "__metadata__" strings (step, optimizer
/// step, RNG streams, schedule, data order, best metric, early-stopping count, caller extras). Doubles are
/// written in round-trip form and seeds/offsets as decimal integers, so that nothing is rounded.
/// </summary>
public sealed class TrainingCheckpoint
{
    /// <summary>The "format" metadata value that marks a training checkpoint.</summary>
    public const string FormatName = "nativedsp.training-checkpoint";
    /// <summary>The schema version this build writes and reads.</summary>
    public const int FormatVersion = 1;
    const string OptimizerPrefix = "optimizer.";

    /// <summary>Optimizer updates completed.</summary>
    public long Step { get; init; }

    /// <summary>State dicts by module name ("model", and e.g. "pruner"); names contain no '.'.</summary>
    public Dictionary<string, Dictionary<string, HostTensor>> Modules { get; init; } = [];

    /// <summary>The optimizer's step count and moments.</summary>
    public OptimizerState Optimizer { get; init; } = new(0, []);

    /// <summary>Random streams by name ("dropout", "gumbel", ...).</summary>
    public Dictionary<string, RngState> Rngs { get; init; } = [];

    /// <summary>The learning-rate schedule's description; schedules are functions of the step, so this is all their state.</summary>
    public string Schedule { get; init; } = "";

    /// <summary>Where the pass over the training data stands.</summary>
    public DataOrderState Data { get; init; }

    /// <summary>The best evaluation metric so far and the step it was reached at (null before any evaluation).</summary>
    public double? BestMetric { get; init; }
    /// <summary>The step of <see cref="BestMetric"/>.</summary>
    public long BestStep { get; init; }
    /// <summary>Early stopping's count of evaluations since the last improvement.</summary>
    public int EvaluationsWithoutImprovement { get; init; }

    /// <summary>Caller-defined strings (e.g. the pruning method's settings), stored as "extra.KEY".</summary>
    public Dictionary<string, string> Extra { get; init; } = [];

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically (safetensors, F32).</summary>
    /// <exception cref="ArgumentException">A module or RNG name is empty or contains '.', or a module is named "optimizer".</exception>
    /// <exception cref="IOException">The file cannot be written; the previous file is left as it was.</exception>
    public void Save(string path)
    {
        var entries = new List<SafetensorsEntry>();
        foreach (var (module, state) in Modules)
        {
            if (string.IsNullOrEmpty(module) || module.Contains('.') || module == "optimizer")
                throw new ArgumentException($"training checkpoint '{path}': '{module}' is not a valid module name (non-empty, no '.', not 'optimizer')");
            entries.AddRange(state.Select(kv => SafetensorsEntry.From($"{module}.{kv.Key}", kv.Value)));
        }
        entries.AddRange(Optimizer.Tensors.Select(kv => SafetensorsEntry.From(OptimizerPrefix + kv.Key, kv.Value)));

        var meta = new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["format_version"] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            ["step"] = Str(Step),
            ["modules"] = string.Join(",", Modules.Keys.Order(StringComparer.Ordinal)),
            ["optimizer.step"] = Str(Optimizer.Step),
            ["schedule"] = Schedule,
            ["data.epoch"] = Str(Data.Epoch),
            ["data.position"] = Str(Data.Position),
            ["data.seed"] = Data.Seed.ToString(CultureInfo.InvariantCulture),
            ["data.count"] = Str(Data.Count),
            ["best.step"] = Str(BestStep),
            ["early_stopping.evaluations_without_improvement"] = Str(EvaluationsWithoutImprovement),
        };
        if (BestMetric is double best) meta["best.metric"] = best.ToString("R", CultureInfo.InvariantCulture);
        foreach (var (name, rng) in Rngs)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('.')) throw new ArgumentException($"training checkpoint '{path}': '{name}' is not a valid RNG name");
            meta[$"rng.{name}.seed"] = rng.Seed.ToString(CultureInfo.InvariantCulture);
            meta[$"rng.{name}.offset"] = rng.Offset.ToString(CultureInfo.InvariantCulture);
        }
        foreach (var (key, value) in Extra) meta[$"extra.{key}"] = value;
        SafetensorsWriter.Write(path, entries, meta);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>; a missing or malformed entry is a <see cref="SafetensorsFormatException"/> naming the file.</summary>
    /// <exception cref="SafetensorsFormatException">The file is unreadable, not a training checkpoint, of another format version, or malformed.</exception>
    public static TrainingCheckpoint Load(string path)
    {
        var file = SafetensorsFile.Read(path);
        var meta = file.Metadata;
        SafetensorsFormatException Bad(string problem) => new(path, problem);
        string Get(string key) => meta.TryGetValue(key, out var v) ? v : throw Bad($"not a training checkpoint: the metadata has no '{key}'");
        long Long(string key) => long.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : throw Bad($"metadata '{key}' = '{Get(key)}' is not an integer");
        ulong ULong(string key) => ulong.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v) ? v : throw Bad($"metadata '{key}' = '{Get(key)}' is not an unsigned integer");

        if (Get("format") != FormatName) throw Bad($"metadata 'format' is '{Get("format")}', expected '{FormatName}'");
        if (Long("format_version") != FormatVersion) throw Bad($"format version {Get("format_version")} is not supported (this build reads {FormatVersion})");

        var moduleNames = Get("modules").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var modules = moduleNames.ToDictionary(m => m, _ => new Dictionary<string, HostTensor>());
        var optimizerTensors = new Dictionary<string, HostTensor>();
        foreach (var (name, tensor) in file.Tensors)
        {
            if (tensor.DType != SafetensorsDType.F32) throw Bad($"tensor '{name}' is {tensor.DType}; training checkpoints hold F32 only");
            if (name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            {
                optimizerTensors[name[OptimizerPrefix.Length..]] = tensor.ToHostTensor();
                continue;
            }
            int dot = name.IndexOf('.');
            if (dot <= 0 || !modules.TryGetValue(name[..dot], out var state))
                throw Bad($"tensor '{name}' belongs to none of the saved modules [{string.Join(", ", moduleNames)}]");
            state[name[(dot + 1)..]] = tensor.ToHostTensor();
        }

        var rngs = new Dictionary<string, RngState>();
        foreach (var key in meta.Keys.Where(k => k.StartsWith("rng.", StringComparison.Ordinal) && k.EndsWith(".seed", StringComparison.Ordinal)))
        {
            string name = key["rng.".Length..^".seed".Length];
            rngs[name] = new RngState(ULong($"rng.{name}.seed"), ULong($"rng.{name}.offset"));
        }
        double? best = null;
        if (meta.TryGetValue("best.metric", out var bestText))
            best = double.TryParse(bestText, NumberStyles.Float, CultureInfo.InvariantCulture, out double b) ? b : throw Bad($"metadata 'best.metric' = '{bestText}' is not a number");

        return new TrainingCheckpoint
        {
            Step = Long("step"),
            Modules = modules,
            Optimizer = new OptimizerState(checked((int)Long("optimizer.step")), optimizerTensors),
            Rngs = rngs,
            Schedule = Get("schedule"),
            Data = new DataOrderState(Long("data.epoch"), Long("data.position"), ULong("data.seed"), Long("data.count")),
            BestMetric = best,
            BestStep = Long("best.step"),
            EvaluationsWithoutImprovement = checked((int)Long("early_stopping.evaluations_without_improvement")),
            Extra = meta.Where(kv => kv.Key.StartsWith("extra.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key["extra.".Length..], kv => kv.Value),
        };
    }

    static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
