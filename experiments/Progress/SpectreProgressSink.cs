using NativeDsp.Model.Training;
using Spectre.Console;

namespace NativeDsp.Experiments.Progress;

/// <summary>
/// A live Spectre.Console progress bar for a terminal: the task line shows step, loss, tokens/s, lr and the
/// trainer's ETA (measured over recent steps, so it ignores the warm-up of the first ones); messages
/// (evaluations, checkpoints) print above the bar. Build it inside <see cref="ProgressDisplay.Run{T}"/>.
/// </summary>
public sealed class SpectreProgressSink(ProgressContext context, IAnsiConsole console) : IProgressSink
{
    ProgressTask? task;

    public void Started(string description, long startStep, long totalSteps)
    {
        // The run's name goes on a line of its own: the task line must fit an 80-column terminal.
        console.MarkupLine(Markup.Escape(startStep > 0 ? $"{description}: resuming at step {startStep} of {totalSteps}" : $"{description}: {totalSteps} steps"));
        task = context.AddTask(Markup.Escape($"step {startStep}/{totalSteps}"), maxValue: totalSteps);
        task.Value = startStep;
    }

    public void StepCompleted(ProgressSnapshot s)
    {
        if (task is null) return;
        task.Value = s.Step;
        string eta = s.Eta is TimeSpan t ? ProgressSnapshot.FormatTime(t) : "?";
        task.Description = Markup.Escape(FormattableString.Invariant(
            $"{s.Step}/{s.TotalSteps} loss {s.Loss:0.0000} {ProgressSnapshot.FormatRate(s.TokensPerSecond)} tok/s lr {s.LearningRate:0.0e+00} eta {eta}"));
    }

    public void Message(string line) => console.MarkupLine(Markup.Escape(line));

    public void Finished(TrainingResult result)
    {
        if (task is not null)
        {
            task.Value = result.Step;
            task.StopTask();
        }
        console.MarkupLine(Markup.Escape(result.Summary()));
    }
}
