using CsvHelper;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Results;

/// <summary>
/// One finished run: a row of results.csv. The column order and names are the file format (issue 8);
/// value is the run's metric (accuracy in [0, 1] for NLI, BLEU in [0, 100] for MT) of the physically pruned
/// model (fine-tuned when finetune_steps &gt; 0). kept_per_module is "module=kept;..." in model order.
/// The protocol columns after preset (<see cref="ProtocolColumns"/>: mask_steps, t_cool, michel_step, lambda,
/// heads_reached) came later: files written before them have the <see cref="LegacyColumns"/> header and read
/// with those values empty (null).
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

    /// <summary>The header written today: <see cref="LegacyColumns"/> then <see cref="ProtocolColumns"/>.</summary>
    public static readonly string[] Columns = [.. LegacyColumns, .. ProtocolColumns];

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

    /// <summary>The resume key: task, setting, method, heads_kept, per_layer, seed, preset.</summary>
    public string Key => RunSpec.MakeKey(Task, Setting, Method, HeadsKept, PerLayer, Seed, Preset);

    /// <summary>(module name, heads kept) parsed from <see cref="KeptPerModule"/>.</summary>
    public IReadOnlyList<(string Module, int Kept)> KeptModules() =>
        KeptPerModule.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('='))
            .Select(kv => (kv[0], int.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
}
