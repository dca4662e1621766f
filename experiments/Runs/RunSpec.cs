using System.Globalization;
using NativeDsp.Model.Pruning;
using NativeDsp.Experiments.Pruning;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// One cell of an experiment grid: task x setting x method x K x per-layer x seed under a preset.
/// <see cref="Key"/> identifies a finished row in results.csv (resume skips it).
/// </summary>
public sealed record RunSpec(string Task, PruningSetting Setting, string Method, int HeadsKept, bool PerLayer, int Seed, string Preset)
{
    public static readonly string[] Tasks = ["nli", "mt"];
    public static readonly string[] Methods = ["dsp", "ste", "voita", "michel", "none"];
    public static readonly string[] Settings = ["joint", "pipelined"];

    public string SettingName => SettingText(Setting);

    public string Key => MakeKey(Task, SettingName, Method, HeadsKept, PerLayer, Seed, Preset);

    public static string MakeKey(string task, string setting, string method, int headsKept, bool perLayer, int seed, string preset) =>
        string.Join("|", task, setting, method, headsKept.ToString(CultureInfo.InvariantCulture), perLayer ? "1" : "0",
                    seed.ToString(CultureInfo.InvariantCulture), preset);

    public static string SettingText(PruningSetting s) => s == PruningSetting.Joint ? "joint" : "pipelined";

    public static PruningSetting ParseSetting(string s) => s switch
    {
        "joint" => PruningSetting.Joint,
        "pipelined" => PruningSetting.Pipelined,
        _ => throw new ArgumentException($"setting must be joint or pipelined, got '{s}'"),
    };

    /// <summary>Michel et al. score a trained model: there is no joint version of it.</summary>
    public static bool IsValid(string method, PruningSetting setting) => !(method == "michel" && setting == PruningSetting.Joint);

    public override string ToString() =>
        $"{Task} {SettingName} {Method} K={HeadsKept}{(PerLayer ? " per-layer" : "")} seed={Seed} preset={Preset}";
}
