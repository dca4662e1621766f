using System.CommandLine;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Commands;

/// <summary><c>nativedsp nli</c>: one NLI pruning run (see <see cref="SingleRunCommand"/>).</summary>
public static class NliCommand
{
    public static Command Create() => SingleRunCommand.Create(ExperimentTask.Nli);
}
