using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Experiments.Pruning;

/// <summary>
/// The outcome of a unit pruning run (<see cref="UnitPruningRun"/>): quality with every unit, with the final 0/1
/// mask, physically pruned and fine-tuned; the units of each kind before and after; parameters of the full and the
/// physically pruned model; and the measured forward time of both (null when not timed).
/// </summary>
public sealed record UnitPruningResult
{
    /// <summary>The method's name.</summary>
    public required string Method { get; init; }
    /// <summary>The run's setting.</summary>
    public required PruningSetting Setting { get; init; }
    /// <summary>The stage the method pruned at.</summary>
    public required PruningStage Stage { get; init; }
    /// <summary>The kinds of unit the pruner chose among.</summary>
    public required UnitKinds Units { get; init; }
    /// <summary>The budget's description ("K=24", "1200000 parameters (24 heads + 3000 neurons)"), or "threshold".</summary>
    public required string Budget { get; init; }
    /// <summary>Units of each kind before pruning.</summary>
    public required IReadOnlyDictionary<UnitKind, int> UnitsBefore { get; init; }
    /// <summary>Units of each kind in the physically pruned model (a removed branch's heads or neurons are gone too).</summary>
    public required IReadOnlyDictionary<UnitKind, int> UnitsKept { get; init; }
    /// <summary>Heads left per attention module (0 for a removed branch), in model order.</summary>
    public required IReadOnlyList<(string Module, int Heads)> HeadsPerModule { get; init; }
    /// <summary>The pruned model's shape (<see cref="PrunedShape"/>).</summary>
    public required string Shape { get; init; }
    /// <summary>The metric of the model with every unit, after its training (before-finetuning: the pretrained model).</summary>
    public required double AllUnitsMetric { get; init; }
    /// <summary>The metric under the final 0/1 mask.</summary>
    public required double MaskedMetric { get; init; }
    /// <summary>The metric of the physically pruned model (equals the masked one up to rounding).</summary>
    public required double PrunedMetric { get; init; }
    /// <summary>The metric after fine-tuning the pruned model, when it was.</summary>
    public double? FinetunedMetric { get; init; }
    /// <summary>Parameters of the model before physical pruning.</summary>
    public required long ParametersFull { get; init; }
    /// <summary>Parameters of the physically pruned model.</summary>
    public required long ParametersPruned { get; init; }
    /// <summary>Parameters the prunable units held, each counted once (what a budget in parameters is a share of; <see cref="UnitIndex.PrunableParameters"/>).</summary>
    public required long PrunableParameters { get; init; }
    /// <summary>
    /// Parameters of the prunable units left in the physically pruned model: <see cref="PrunableParameters"/> less what
    /// pruning removed (the budget achieved, in whole units; equals <see cref="UnitIndex.KeptParameters"/> of the final mask).
    /// </summary>
    public required long KeptPrunableParameters { get; init; }
    /// <summary>Evaluation tokens/s under the mask (a rough figure, not a benchmark).</summary>
    public required double MaskedTokensPerSecond { get; init; }
    /// <summary>Evaluation tokens/s of the pruned model (a rough figure, not a benchmark).</summary>
    public required double PrunedTokensPerSecond { get; init; }
    /// <summary>The benchmark timing of the full model's forward pass, or null.</summary>
    public TimingMeasurement? FullTiming { get; init; }
    /// <summary>The benchmark timing of the pruned model's forward pass, or null.</summary>
    public TimingMeasurement? PrunedTiming { get; init; }
    /// <summary>Time spent learning or scoring the mask (and, before fine-tuning, fine-tuning the pruned model).</summary>
    public required TimeSpan TrainTime { get; init; }

    /// <summary>The metric the run reports: fine-tuned when it was, else the pruned model's.</summary>
    public double Metric => FinetunedMetric ?? PrunedMetric;

    /// <summary>"head=24;neuron=3000;attention_block=6;ffn_block=6": units kept per kind (every kind, physical counts).</summary>
    public string KeptUnitsText => string.Join(";", UnitsKept.Select(kv => $"{KindName(kv.Key)}={kv.Value}"));

    /// <summary>The column spelling of a kind: head, neuron, attention_block, ffn_block.</summary>
    public static string KindName(UnitKind kind) => kind switch
    {
        UnitKind.Head => "head",
        UnitKind.Neuron => "neuron",
        UnitKind.AttentionBlock => "attention_block",
        _ => "ffn_block",
    };

    /// <summary>One line for the log.</summary>
    public override string ToString() =>
        $"{Method} {Setting} ({Units}, {Budget}): kept {KeptUnitsText}; all units {AllUnitsMetric:0.####}, masked {MaskedMetric:0.####}, pruned {PrunedMetric:0.####}" +
        (FinetunedMetric is { } f ? $", fine-tuned {f:0.####}" : "") + $"; params {ParametersFull} -> {ParametersPruned} (prunable {PrunableParameters} -> {KeptPrunableParameters})" +
        (FullTiming is { } a && PrunedTiming is { } b ? $"; forward {a.MedianMilliseconds:0.##} -> {b.MedianMilliseconds:0.##} ms (x{a.MedianMilliseconds / b.MedianMilliseconds:0.00})" : "") +
        $"; train {TrainTime.TotalSeconds:0.0}s";
}
