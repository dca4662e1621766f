using System.Diagnostics;
using System.Globalization;

namespace NativeDsp.Model.Training;

/// <summary>
/// Progress as plain log lines (CI, files, redirected output): a line every <paramref name="everySteps"/>
/// steps (0 = by time only) or when <paramref name="interval"/> (default 2 s) has passed since the last
/// one, plus the final step and the completion line.
/// </summary>
public sealed class PlainProgressSink(TextWriter writer, long everySteps = 0, TimeSpan? interval = null) : IProgressSink
{
    readonly TimeSpan interval = interval ?? TimeSpan.FromSeconds(2);
    readonly Stopwatch sinceLine = new();
    ProgressSnapshot? lastShown, last;

    /// <summary>Writes "description: N steps" (or the resume step).</summary>
    public void Started(string description, long startStep, long totalSteps)
    {
        writer.WriteLine(startStep > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{description}: resuming at step {startStep} of {totalSteps}")
            : string.Create(CultureInfo.InvariantCulture, $"{description}: {totalSteps} steps"));
        writer.Flush();
        sinceLine.Restart();
    }

    /// <summary>Writes the snapshot's line when a step or time interval has passed.</summary>
    public void StepCompleted(ProgressSnapshot snapshot)
    {
        last = snapshot;
        bool byStep = everySteps > 0 && snapshot.Step % everySteps == 0;
        bool byTime = sinceLine.Elapsed >= interval;
        if (!byStep && !byTime && snapshot.Step != snapshot.TotalSteps) return;
        Show(snapshot);
    }

    /// <summary>Writes <paramref name="line"/>.</summary>
    public void Message(string line)
    {
        writer.WriteLine(line);
        writer.Flush();
    }

    /// <summary>Writes the last step's line (if not shown) and the result's summary.</summary>
    public void Finished(TrainingResult result)
    {
        if (last is not null && !ReferenceEquals(last, lastShown)) Show(last);
        writer.WriteLine(result.Summary());
        writer.Flush();
    }

    void Show(ProgressSnapshot snapshot)
    {
        writer.WriteLine(snapshot.Format());
        writer.Flush();
        lastShown = snapshot;
        sinceLine.Restart();
    }
}
