using System.Globalization;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Experiments.Pruning;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// A unit run's budget in parameters: <see cref="Value"/> parameters of the prunable units kept, or with
/// <see cref="Fraction"/> that share of what they hold (<see cref="UnitBudget.FromCost"/>).
/// </summary>
/// <param name="Value">Parameters (an integer count), or a fraction in (0, 1].</param>
/// <param name="Fraction">Whether <paramref name="Value"/> is a fraction.</param>
public sealed record ParameterBudget(double Value, bool Fraction)
{
    /// <summary>The budget column's text: "params=1200000" or "params_fraction=0.5".</summary>
    public override string ToString() => Fraction
        ? $"params_fraction={Value.ToString("R", CultureInfo.InvariantCulture)}"
        : $"params={Value.ToString("0", CultureInfo.InvariantCulture)}";

    /// <summary>The parameters kept out of <paramref name="prunable"/> (what the units hold).</summary>
    public double KeptOf(long prunable) => Fraction ? Value * prunable : Value;
}

/// <summary>
/// One cell of an experiment grid: task x setting x method x K x per-layer x seed under a preset, and for a unit
/// run (<see cref="IsUnitRun"/>) the kinds of unit and the parameter budget. <see cref="Key"/> identifies a finished
/// row in results.csv (resume skips it); head runs keep the key they always had.
/// </summary>
public sealed record RunSpec(string Task, PruningSetting Setting, PruningMethod Method, int HeadsKept, bool PerLayer, int Seed, string Preset,
                             UnitKinds Units = UnitKinds.Heads, ParameterBudget? Budget = null)
{
    /// <summary>The method column's text: "dsp", "ste", "voita", "michel", "none", "gradrank", ...</summary>
    public string MethodName => EnumText.Of(Method);

    public string SettingName => SettingText(Setting);

    /// <summary>
    /// Whether the run goes through <see cref="UnitPruningRun"/>: units other than heads, a parameter budget, a unit
    /// method, or pruning before fine-tuning. Otherwise it is a head run of <see cref="PruningRun"/>, as before.
    /// </summary>
    public bool IsUnitRun => Units != UnitKinds.Heads || Budget is not null || PrunerFactory.IsUnitMethod(Method) || Setting == PruningSetting.BeforeFinetuning;

    /// <summary>The units column's text ("heads", "heads,neurons"); empty for a head run.</summary>
    public string UnitsName => IsUnitRun ? UnitKindsText.Of(Units) : "";

    /// <summary>The budget column's text: "params=N", "params_fraction=F" or "K=24"; empty for a head run.</summary>
    public string BudgetName => !IsUnitRun ? "" : Budget?.ToString() ?? $"K={HeadsKept.ToString(CultureInfo.InvariantCulture)}";

    public string Key => IsUnitRun
        ? MakeUnitKey(Task, SettingName, MethodName, UnitsName, BudgetName, PerLayer, Seed, Preset)
        : MakeKey(Task, SettingName, MethodName, HeadsKept, PerLayer, Seed, Preset);

    public static string MakeKey(string task, string setting, string method, int headsKept, bool perLayer, int seed, string preset) =>
        string.Join("|", task, setting, method, headsKept.ToString(CultureInfo.InvariantCulture), perLayer ? "1" : "0",
                    seed.ToString(CultureInfo.InvariantCulture), preset);

    /// <summary>The key of a unit run: the budget and the units stand where a head run has K.</summary>
    public static string MakeUnitKey(string task, string setting, string method, string units, string budget, bool perLayer, int seed, string preset) =>
        string.Join("|", task, setting, method, units, budget, perLayer ? "1" : "0", seed.ToString(CultureInfo.InvariantCulture), preset);

    public static string SettingText(PruningSetting s) => EnumText.Of(s);

    /// <summary>
    /// Michel et al. score a trained model: there is no joint version of it. Pruning before fine-tuning is a unit
    /// method's single-shot procedure; each unit method runs at the stages <see cref="PrunerFactory.Settings"/> lists.
    /// </summary>
    public static bool IsValid(PruningMethod method, PruningSetting setting) => PrunerFactory.Settings(method).Contains(setting);

    public override string ToString() =>
        $"{Task} {SettingName} {MethodName} {(IsUnitRun ? $"units={UnitsName} {BudgetName}" : $"K={HeadsKept}")}{(PerLayer ? " per-layer" : "")} seed={Seed} preset={Preset}";
}

/// <summary>The command line's and results.csv's spelling of a set of unit kinds: "heads", "neurons", "heads,neurons", "blocks", "attention-blocks", "ffn-blocks".</summary>
public static class UnitKindsText
{
    static readonly (string Name, UnitKinds Kinds)[] Names =
    [
        ("heads", UnitKinds.Heads), ("neurons", UnitKinds.Neurons), ("blocks", UnitKinds.Blocks),
        ("attention-blocks", UnitKinds.AttentionBlocks), ("ffn-blocks", UnitKinds.FfnBlocks),
    ];

    /// <summary>The accepted names.</summary>
    public static IEnumerable<string> All => Names.Select(n => n.Name);

    /// <summary>The text of <paramref name="kinds"/>: its names joined by ',' in layout order ("blocks" for both block kinds).</summary>
    public static string Of(UnitKinds kinds)
    {
        var parts = new List<string>();
        if (kinds.Has(UnitKind.Head)) parts.Add("heads");
        if (kinds.Has(UnitKind.Neuron)) parts.Add("neurons");
        if ((kinds & UnitKinds.Blocks) == UnitKinds.Blocks) parts.Add("blocks");
        else if (kinds.Has(UnitKind.AttentionBlock)) parts.Add("attention-blocks");
        else if (kinds.Has(UnitKind.FfnBlock)) parts.Add("ffn-blocks");
        return string.Join(",", parts);
    }

    /// <summary>The set named by <paramref name="text"/>: names joined by ',' or '+' ("heads,neurons", "heads+blocks").</summary>
    /// <exception cref="ArgumentException">An unknown name, or none.</exception>
    public static UnitKinds Parse(string text)
    {
        var kinds = UnitKinds.None;
        foreach (string part in text.Split(',', '+').Select(p => p.Trim().Replace('_', '-').ToLowerInvariant()).Where(p => p.Length > 0))
        {
            var match = Names.FirstOrDefault(n => n.Name == part);
            if (match.Name is null) throw new ArgumentException($"'{part}' is not a kind of unit; kinds are {string.Join(", ", All)} (combine them with ',')");
            kinds |= match.Kinds;
        }
        return kinds == UnitKinds.None ? throw new ArgumentException("name at least one kind of unit") : kinds;
    }
}
