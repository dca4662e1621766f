using System.CommandLine;
using NativeDsp.Engine;
using NativeDsp.Experiments.Pruning;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp time RESULTS.csv</c>: re-times the unit runs of a results file on this machine, now (meant for a quiet
/// machine: a sweep's own timings run beside its training and other work). Forward time depends on a model's shape,
/// not its weights' values, so each row's pruned_shape is rebuilt from the folder's settings record (a fresh model of
/// the row's seed pruned to the shape, <see cref="PrunedShape.Apply"/>) and timed against the unpruned model as the
/// run did (<see cref="InferenceTiming"/>); each row's timing columns (infer_ms_*, speedup, time_*) are replaced as soon
/// as it is timed (<see cref="ResultsFile.Append"/>: atomic, under the file's lock). Nothing is trained.
/// </summary>
public static class TimeCommand
{
    /// <summary>The <c>time</c> verb.</summary>
    public static Command Create()
    {
        var command = new Command("time", "re-time the pruned models of a results.csv's unit runs (from their pruned_shape) on this machine, e.g. a quiet one later");
        var csvArgument = new Argument<FileInfo>("RESULTS.csv") { Description = "a results.csv with unit runs (written by sweep or nli)" }.AcceptExistingOnly();
        var repetitions = CliOptions.Integer("--reps", "timed forward passes per model (the median is kept)", min: 1, defaultValue: InferenceTiming.DefaultRepetitions);
        var batch = CliOptions.Integer("--batch", "test examples in the fixed timed batch", min: 1, defaultValue: InferenceTiming.DefaultBatch);
        var data = new Option<string?>("--data") { Description = "data root holding nli/ (default: experiments/data, or $NATIVEDSP_DATA)", HelpName = "PATH" };
        var device = CliOptions.Device();
        command.Arguments.Add(csvArgument);
        foreach (Option o in new Option[] { repetitions, batch, data, device }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            string csv = parsed.GetValue(csvArgument)!.FullName;
            string dir = Path.GetDirectoryName(csv)!;
            var rows = ResultsFile.Read(csv);
            var timed = rows.Where(r => r.IsUnitRun && !string.IsNullOrEmpty(r.PrunedShape)).ToList();
            if (timed.Count == 0) throw new ExpectedFailureException($"{csv}: has no unit runs with a pruned_shape to time");
            using var dev = Devices.Open(parsed.GetValue(device));
            Console.WriteLine($"device: {dev.SelectionReason}; {Environment.ProcessorCount} threads (DOTNET_PROCESSOR_COUNT sets them); load average {InferenceTiming.LoadAverage()?.ToString("0.00") ?? "unknown"}");
            int reps = parsed.GetValue(repetitions), size = parsed.GetValue(batch);
            foreach (var group in timed.GroupBy(r => (r.Task, r.Preset)))
            {
                var config = RecordedConfig(dir, group.Key.Task, group.Key.Preset);
                var experiment = new NliExperiment(config, parsed.GetValue(data));
                foreach (var row in group)
                {
                    using var model = experiment.BuildModel(dev, row.Seed);
                    var forward = experiment.BenchmarkForward(model, size);
                    model.Eval();
                    var full = InferenceTiming.Measure(forward, size, repetitions: reps);
                    PrunedShape.Apply((IUnitPrunable)model, row.PrunedShape!);
                    var pruned = InferenceTiming.Measure(experiment.BenchmarkForward(model, size), size, repetitions: reps);
                    UnitExperimentRunner.WriteTiming(row, full, pruned);
                    // Row by row, under the results file's lock: a sweep may be adding rows to the same file.
                    ResultsFile.Append(csv, row);
                    Console.WriteLine($"{row.Key}: {row.InferMsFull:0.###} -> {row.InferMsPruned:0.###} ms, speed-up {row.Speedup:0.###}{(row.TimeQuiet == true ? "" : $" (not quiet: load {row.TimeLoad})")}");
                }
            }
            Console.WriteLine($"results: {csv} ({timed.Count} rows re-timed)");
            return 0;
        });
        return command;
    }

    /// <summary>The config the folder's rows of (task, preset) were made with: the preset with the recorded settings applied.</summary>
    /// <exception cref="ExpectedFailureException">The record is missing, the task is not nli, or a recorded value no longer parses.</exception>
    public static ExperimentConfig RecordedConfig(string dir, string task, string preset)
    {
        if (task != "nli") throw new ExpectedFailureException($"{task} rows: unit runs are nli only");
        string path = RunConfigRecord.PathFor(dir, task, preset);
        if (!File.Exists(path)) throw new ExpectedFailureException($"{path}: missing; the settings the rows were made with are needed to rebuild their models");
        try
        {
            var config = Presets.Get(task, preset);
            foreach (var (name, value) in RunConfigRecord.Read(path))
            {
                var setting = ExperimentConfig.SettingInfos.FirstOrDefault(s => s.Name == name);
                if (setting is null) continue; // "data", or a setting this build no longer has
                config = value.Length == 0 && setting.Type == typeof(string) ? config.With(setting, "") : config.WithOverride(name, value);
            }
            return config;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new ExpectedFailureException($"{path}: {e.Message}");
        }
    }
}
