using NativeDsp.Model.Training;
using Spectre.Console;

namespace NativeDsp.Experiments.Progress;

/// <summary>
/// Picks how a run shows its progress: a live Spectre.Console display on an interactive terminal, plain
/// periodic lines (<see cref="PlainProgressSink"/>, every ~2 s) when the output is redirected (CI, a log
/// file), where Spectre would print its own once-a-second lines and never the final 100%.
/// </summary>
public static class ProgressDisplay
{
    public static bool IsLive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="body"/> with a progress sink; the live display lasts while it runs.</summary>
    public static T Run<T>(Func<IProgressSink, T> body, long plainEverySteps = 0)
    {
        if (!IsLive) return body(new PlainProgressSink(Console.Out, plainEverySteps));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 16 }, new PercentageColumn(), new SpinnerColumn())
            .Start(ctx => result = body(new SpectreProgressSink(ctx, AnsiConsole.Console)));
        return result;
    }
}
