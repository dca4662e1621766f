using CsvHelper;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Results;

/// <summary>
/// One finished run: a row of results.csv. The column order and names are the file format (issue 8);
/// value is the run's metric (accuracy in [0, 1] for NLI, BLEU in [0, 100] for MT) of the physically pruned
/// model (fine-tuned when finetune_steps &gt; 0). kept_per_module is "module=kept;..." in model order.
/// </summary>
[CsvRecord]
public sealed partial class ResultRow
{
    public static readonly string[] Columns =
    [
        "task", "setting", "method", "heads_total", "heads_kept", "per_layer", "seed", "metric", "value", "params", "params_pruned",
        "train_seconds", "infer_tokens_per_s_masked", "infer_tokens_per_s_pruned", "kept_per_module", "device", "preset",
    ];

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

    /// <summary>The resume key: task, setting, method, heads_kept, per_layer, seed, preset.</summary>
    public string Key => RunSpec.MakeKey(Task, Setting, Method, HeadsKept, PerLayer, Seed, Preset);

    /// <summary>(module name, heads kept) parsed from <see cref="KeptPerModule"/>.</summary>
    public IReadOnlyList<(string Module, int Kept)> KeptModules() =>
        KeptPerModule.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('='))
            .Select(kv => (kv[0], int.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
}
