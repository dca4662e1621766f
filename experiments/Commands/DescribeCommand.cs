using System.CommandLine;
using System.Globalization;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp describe --task nli|mt [--preset P] [--setting overrides]</c>: the settings a run or sweep would use,
/// one per line, the preset's K grids, and where its protocol follows and departs from the official one
/// (<see cref="ExperimentConfig.Protocol"/>). Reads no data and runs nothing.
/// </summary>
public static class DescribeCommand
{
    /// <summary>The <c>describe</c> verb.</summary>
    public static Command Create()
    {
        var command = new Command("describe", "print a preset's settings, K grids and protocol (where it follows and departs from the official code)");
        var task = CliOptions.RequiredChoice<ExperimentTask>("--task", "nli or mt");
        var run = new RunOptions();
        command.Options.Add(task);
        run.AddTo(command);
        command.SetAction(parsed =>
        {
            var taskChoice = parsed.GetValue(task);
            string taskName = EnumText.Of(taskChoice);
            var config = run.Config(parsed, taskChoice);
            string preset = EnumText.Of(run.Preset.Value(parsed));
            Console.WriteLine($"{taskName} preset {preset}: {config.TotalHeads(taskName)} prunable heads");
            foreach (var (name, value) in config.Settings()) Console.WriteLine($"  {name} = {value}");
            Console.WriteLine($"  K grid, pipelined = {string.Join(",", config.HeadsGrid)}");
            Console.WriteLine($"  K grid, joint = {string.Join(",", config.JointHeadsGrid.Length > 0 ? config.JointHeadsGrid : config.HeadsGrid)}");
            if (config.KeepParamsGrid.Length > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  unit sweep: budgets (shares of the prunable units' parameters) = {string.Join(",", config.KeepParamsGrid)}"));
                foreach (var m in config.UnitMethods.Where(m => m != PruningMethod.None))
                    Console.WriteLine($"    {EnumText.Of(m)}: {EnumText.Of(SweepGrid.UnitSetting(m))}, units {string.Join(" and ", PrunerFactory.DefaultUnits(m).Select(UnitKindsText.Of))}");
            }
            Console.WriteLine(config.MaskSteps > 0
                ? $"pipelined mask steps: {config.MaskSteps}"
                : string.Create(CultureInfo.InvariantCulture, $"pipelined mask steps: ceil({config.MaskEpochs:0.###} x training examples / batch {config.Batch})"));
            Console.WriteLine(config.TCool > 0
                ? $"DSP T_cool: {config.TCool} steps"
                : string.Create(CultureInfo.InvariantCulture, $"DSP T_cool: {config.Cooldown:0.###} x the mask-learning steps, then tau held at {config.TauEnd:g3}"));
            Console.WriteLine($"protocol: {(config.Protocol.Length > 0 ? config.Protocol : "(none stated)")}");
            return 0;
        });
        return command;
    }
}
