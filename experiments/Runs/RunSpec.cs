using System.Globalization;
using NativeDsp.Model.Pruning;
using NativeDsp.Experiments.Pruning;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// One cell of an experiment grid: task x setting x method x K x per-layer x seed under a preset.
/// <see cref="Key"/> identifies a finished row in results.csv (resume skips it).
/// </summary>
public sealed record RunSpec(string Task, PruningSetting Setting, PruningMethod Method, int HeadsKept, bool PerLayer, int Seed, string Preset)
{
    /// <summary>The method column's text: "dsp", "ste", "voita", "michel", "none".</summary>
    public string MethodName => EnumText.Of(Method);

    public string SettingName => SettingText(Setting);

    public string Key => MakeKey(Task, SettingName, MethodName, HeadsKept, PerLayer, Seed, Preset);

    public static string MakeKey(string task, string setting, string method, int headsKept, bool perLayer, int seed, string preset) =>
        string.Join("|", task, setting, method, headsKept.ToString(CultureInfo.InvariantCulture), perLayer ? "1" : "0",
                    seed.ToString(CultureInfo.InvariantCulture), preset);

    public static string SettingText(PruningSetting s) => s == PruningSetting.Joint ? "joint" : "pipelined";

    /// <summary>Michel et al. score a trained model: there is no joint version of it.</summary>
    public static bool IsValid(PruningMethod method, PruningSetting setting) => !(method == PruningMethod.Michel && setting == PruningSetting.Joint);

    public override string ToString() =>
        $"{Task} {SettingName} {MethodName} K={HeadsKept}{(PerLayer ? " per-layer" : "")} seed={Seed} preset={Preset}";
}
