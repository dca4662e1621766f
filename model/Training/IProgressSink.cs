namespace NativeDsp.Model.Training;

/// <summary>Where a trainer reports progress: a live display on a terminal, plain lines otherwise.</summary>
public interface IProgressSink
{
    /// <summary>Before the first step of a run (<paramref name="startStep"/> &gt; 0 after a resume).</summary>
    void Started(string description, long startStep, long totalSteps);

    /// <summary>After every step; the sink decides how often to show it.</summary>
    void StepCompleted(ProgressSnapshot snapshot);

    /// <summary>A line worth keeping in the log (evaluations, checkpoints, resume).</summary>
    void Message(string line);

    /// <summary>After the last step (also the 100% that Spectre.Console never prints without a terminal).</summary>
    void Finished(TrainingResult result);
}

/// <summary>A sink that shows nothing.</summary>
public sealed class NullProgressSink : IProgressSink
{
    /// <summary>The shared instance.</summary>
    public static NullProgressSink Instance { get; } = new();
    /// <summary>Does nothing.</summary>
    public void Started(string description, long startStep, long totalSteps) { }
    /// <summary>Does nothing.</summary>
    public void StepCompleted(ProgressSnapshot snapshot) { }
    /// <summary>Does nothing.</summary>
    public void Message(string line) { }
    /// <summary>Does nothing.</summary>
    public void Finished(TrainingResult result) { }
}
