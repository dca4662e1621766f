using System.CommandLine;
using NativeDsp.Experiments.Runs;

namespace NativeDsp.Experiments.Commands;

/// <summary><c>nativedsp mt</c>: one translation pruning run (see <see cref="SingleRunCommand"/>).</summary>
public static class MtCommand
{
    public static Command Create() => SingleRunCommand.Create(ExperimentTask.Mt);
}
