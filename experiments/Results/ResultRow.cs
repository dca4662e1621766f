using CsvHelper;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Results;

/// <summary>
/// One finished run: a row of results.csv. The column order and names are the file format (issue 8);
/// value is the run's metric (accuracy in [0, 1] for NLI, BLEU in [0, 100] for MT) of the physically pruned
/// model (fine-tuned when finetune_steps &gt; 0). kept_per_module is "module=kept;..." in model order.
/// The protocol columns after preset (<see cref="ProtocolColumns"/>: mask_steps, t_cool, michel_step, lambda,
/// heads_reached) came later: files written before them have the <see cref="LegacyColumns"/> header and read
/// with those values empty (null). Unit runs (issue 20) add <see cref="UnitColumns"/> after them; a file gets those
/// columns only when it holds a unit run (<see cref="UnitRunColumns"/>), so files of head runs keep their header.
/// </summary>
[CsvRecord]
public sealed partial class ResultRow
{
    /// <summary>The header of results.csv files written before the protocol columns existed.</summary>
    public static readonly string[] LegacyColumns =
    [
        "task", "setting", "method", "heads_total", "heads_kept", "per_layer", "seed", "metric", "value", "params", "params_pruned",
        "train_seconds", "infer_tokens_per_s_masked", "infer_tokens_per_s_pruned", "kept_per_module", "device", "preset",
    ];

    /// <summary>The protocol values of a row, appended to <see cref="LegacyColumns"/>; empty where they do not apply.</summary>
    public static readonly string[] ProtocolColumns = ["mask_steps", "t_cool", "michel_step", "lambda", "heads_reached"];

    /// <summary>
    /// The unit-run columns (issue 20), appended after <see cref="ProtocolColumns"/>; empty for head runs and old rows.
    /// units: the kinds pruned ("heads,neurons"); budget: what the run kept ("params_fraction=0.5", "params=N", "K=24");
    /// kept_units: units per kind in the physically pruned model ("head=40;neuron=6000;attention_block=6;ffn_block=6");
    /// pruned_shape: heads/neurons per layer, "-" for a removed branch (<see cref="Pruning.PrunedShape"/>);
    /// prunable_params: parameters the prunable units held before pruning. Timing (benchmark-grade, see
    /// <see cref="Pruning.InferenceTiming"/>): infer_ms_full and infer_ms_pruned are the median wall time of one
    /// forward pass of a fixed batch of time_batch test examples, after 3 untimed warm-up passes, over time_reps timed
    /// passes, on time_threads host threads (Environment.ProcessorCount), the full model timed before pruning and the
    /// pruned one after, in the same process; speedup = infer_ms_full / infer_ms_pruned; time_load is the 1-minute load
    /// average before timing and time_quiet whether it was below 0.5 (a run timed right after its own training never
    /// is: re-time the shapes later with <c>nativedsp time</c>). kept_prunable_params (added later; files written before
    /// it have the <see cref="UnitRunColumnsBeforeKept"/> header and read it as null): the parameters of the prunable
    /// units left in the physically pruned model, the budget the run achieved (a budget is met in whole units, so it
    /// can fall short of the budget column's: compare with prunable_params).
    /// </summary>
    public static readonly string[] UnitColumns =
    [
        "units", "budget", "kept_units", "pruned_shape", "prunable_params", "infer_ms_full", "infer_ms_pruned", "speedup",
        "time_batch", "time_threads", "time_reps", "time_load", "time_quiet", "kept_prunable_params",
    ];

    /// <summary>The header of a file of head runs: <see cref="LegacyColumns"/> then <see cref="ProtocolColumns"/> (as before unit runs existed).</summary>
    public static readonly string[] Columns = [.. LegacyColumns, .. ProtocolColumns];

    /// <summary>The header of a file holding unit runs: <see cref="Columns"/> then <see cref="UnitColumns"/>.</summary>
    public static readonly string[] UnitRunColumns = [.. Columns, .. UnitColumns];

    /// <summary>The header of files of unit runs written before kept_prunable_params existed.</summary>
    public static readonly string[] UnitRunColumnsBeforeKept = UnitRunColumns[..^1];

    /// <summary>Every header results.csv has, newest first; a file's missing columns read as null.</summary>
    public static readonly string[][] KnownHeaders = [UnitRunColumns, UnitRunColumnsBeforeKept, Columns, LegacyColumns];

    [CsvColumn("task")] public string Task { get; set; } = "";
    [CsvColumn("setting")] public string Setting { get; set; } = "";
    [CsvColumn("method")] public string Method { get; set; } = "";
    [CsvColumn("heads_total")] public int HeadsTotal { get; set; }
    [CsvColumn("heads_kept")] public int HeadsKept { get; set; }
    [CsvColumn("per_layer")] public bool PerLayer { get; set; }
    [CsvColumn("seed")] public int Seed { get; set; }
    [CsvColumn("metric")] public string Metric { get; set; } = "";
    [CsvColumn("value")] public double Value { get; set; }
    [CsvColumn("params")] public long Params { get; set; }
    [CsvColumn("params_pruned")] public long ParamsPruned { get; set; }
    [CsvColumn("train_seconds")] public double TrainSeconds { get; set; }
    [CsvColumn("infer_tokens_per_s_masked")] public double InferTokensPerSecondMasked { get; set; }
    [CsvColumn("infer_tokens_per_s_pruned")] public double InferTokensPerSecondPruned { get; set; }
    [CsvColumn("kept_per_module")] public string KeptPerModule { get; set; } = "";
    [CsvColumn("device")] public string Device { get; set; } = "";
    [CsvColumn("preset")] public string Preset { get; set; } = "";

    /// <summary>Steps the mask was learnt for (joint: the training steps; pipelined: the mask steps on the frozen model); null for Michel, none and old rows.</summary>
    [CsvColumn("mask_steps", Optional = true)] public long? MaskSteps { get; set; }
    /// <summary>DSP: steps over which tau annealed (held at tau_end after); null for other methods and old rows.</summary>
    [CsvColumn("t_cool", Optional = true)] public long? TCool { get; set; }
    /// <summary>Michel: heads masked per pruning step; null for other methods and old rows.</summary>
    [CsvColumn("michel_step", Optional = true)] public int? MichelStepHeads { get; set; }
    /// <summary>Voita: the L0 penalty's lambda the run used (found by the search or fixed); null for other methods and old rows.</summary>
    [CsvColumn("lambda", Optional = true)] public double? Lambda { get; set; }
    /// <summary>Voita: heads whose deterministic gate is above 0.5 at the end (the K the penalty reached before the top-K cut); null otherwise.</summary>
    [CsvColumn("heads_reached", Optional = true)] public int? HeadsReached { get; set; }

    /// <summary>Unit runs: the kinds pruned ("heads", "heads,neurons"); empty for head runs and old rows.</summary>
    [CsvColumn("units", Optional = true)] public string? Units { get; set; }
    /// <summary>Unit runs: the budget ("params_fraction=0.5", "params=N", "K=24").</summary>
    [CsvColumn("budget", Optional = true)] public string? Budget { get; set; }
    /// <summary>Unit runs: units per kind in the physically pruned model ("head=40;neuron=6000;attention_block=6;ffn_block=6").</summary>
    [CsvColumn("kept_units", Optional = true)] public string? KeptUnits { get; set; }
    /// <summary>Unit runs: heads/neurons per layer of the pruned model, "-" for a removed branch.</summary>
    [CsvColumn("pruned_shape", Optional = true)] public string? PrunedShape { get; set; }
    /// <summary>Unit runs: parameters the prunable units held before pruning, each counted once (a block selected with its heads / neurons adds only its output bias).</summary>
    [CsvColumn("prunable_params", Optional = true)] public long? PrunableParams { get; set; }
    /// <summary>Median forward time of the full model on the fixed batch, ms (see <see cref="UnitColumns"/>).</summary>
    [CsvColumn("infer_ms_full", Optional = true)] public double? InferMsFull { get; set; }
    /// <summary>Median forward time of the physically pruned model on the same batch, ms.</summary>
    [CsvColumn("infer_ms_pruned", Optional = true)] public double? InferMsPruned { get; set; }
    /// <summary>infer_ms_full / infer_ms_pruned.</summary>
    [CsvColumn("speedup", Optional = true)] public double? Speedup { get; set; }
    /// <summary>Examples in the timed batch.</summary>
    [CsvColumn("time_batch", Optional = true)] public int? TimeBatch { get; set; }
    /// <summary>Host threads during timing.</summary>
    [CsvColumn("time_threads", Optional = true)] public int? TimeThreads { get; set; }
    /// <summary>Timed repetitions (the median is reported).</summary>
    [CsvColumn("time_reps", Optional = true)] public int? TimeReps { get; set; }
    /// <summary>The 1-minute load average before timing.</summary>
    [CsvColumn("time_load", Optional = true)] public double? TimeLoad { get; set; }
    /// <summary>Whether the machine was quiet when timed (load average below 0.5).</summary>
    [CsvColumn("time_quiet", Optional = true)] public bool? TimeQuiet { get; set; }
    /// <summary>Unit runs: parameters of the prunable units left in the physically pruned model (the budget achieved); null in older files.</summary>
    [CsvColumn("kept_prunable_params", Optional = true)] public long? KeptPrunableParams { get; set; }

    /// <summary>Whether the row is a unit run's (its units column is set).</summary>
    public bool IsUnitRun => !string.IsNullOrEmpty(Units);

    /// <summary>The resume key: task, setting, method, heads_kept, per_layer, seed, preset; for a unit run units and budget instead of heads_kept (<see cref="RunSpec.Key"/>).</summary>
    public string Key => IsUnitRun
        ? RunSpec.MakeUnitKey(Task, Setting, Method, Units!, Budget ?? "", PerLayer, Seed, Preset)
        : RunSpec.MakeKey(Task, Setting, Method, HeadsKept, PerLayer, Seed, Preset);

    /// <summary>The series a plot draws the row in: the method, with its units for a unit run other than heads ("dsp heads,neurons").</summary>
    public string Series => IsUnitRun && Units != "heads" ? $"{Method} {Units}" : Method;

    /// <summary>(module name, heads kept) parsed from <see cref="KeptPerModule"/>.</summary>
    public IReadOnlyList<(string Module, int Kept)> KeptModules() =>
        KeptPerModule.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('='))
            .Select(kv => (kv[0], int.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
}
