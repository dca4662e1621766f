using NativeDsp.Engine;
using NativeDsp.Model.Training;

namespace NativeDsp.Experiments.Runs;

/// <summary>What the runs of one process share: the device, the output folder, the log, and the trained models of pipelined runs.</summary>
public sealed class RunContext(Device device, string outputDirectory, TextWriter log, string? dataDirectory = null)
{
    public Device Device { get; } = device;
    public string OutputDirectory { get; } = outputDirectory;
    public TextWriter Log { get; } = log;
    public string? DataDirectory { get; } = dataDirectory;

    /// <summary>
    /// Single runs: each run writes its pruned model (and mask snapshots) to DIR/runs/RUN and checkpoints its training
    /// there (resumed by a rerun); false for sweeps, which keep only the CSV and the model cache.
    /// </summary>
    public bool SaveArtifacts { get; init; }

    /// <summary>Trained models of pipelined runs in this process, by cache key (weights, dropout stream, data order, training time).</summary>
    public Dictionary<string, ModelCache.Entry> TrainedModels { get; } = [];

    /// <summary>
    /// Called with a run's row as soon as it is computed, before its large artefacts (the pruned model) are written
    /// and its checkpoints removed; null = the caller records the returned row itself.
    /// </summary>
    public Action<NativeDsp.Experiments.Results.ResultRow>? RecordRow { get; init; }

    /// <summary>With <see cref="SaveArtifacts"/>: a training checkpoint every N steps (0 = by time only, <see cref="CheckpointInterval"/>).</summary>
    public long CheckpointEvery { get; init; }

    /// <summary>With <see cref="SaveArtifacts"/>: a training checkpoint after this much work since the last (default 5 minutes; zero = off).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);

    public IProgressSink Progress { get; init; } = NullProgressSink.Instance;

    /// <summary>Short name of the device for the CSV: "host", "cuda", "opencl", "ilgpu-cpu".</summary>
    public string DeviceName => Device.Description.ToLowerInvariant() switch
    {
        var d when d.Contains("cuda") => "cuda",
        var d when d.Contains("opencl") => "opencl",
        var d when d.Contains("ilgpu") => "ilgpu-cpu",
        _ => "host",
    };
}
