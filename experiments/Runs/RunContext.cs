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

    /// <summary>Where each single run writes its pruned model and mask snapshots (null = nothing; sweeps keep only the CSV).</summary>
    public bool SaveArtifacts { get; init; }

    /// <summary>Trained models of pipelined runs in this process, by cache key, with their training time.</summary>
    public Dictionary<string, (Dictionary<string, HostTensor> State, double Seconds)> TrainedModels { get; } = [];

    /// <summary>The user's parallel corpus for MT (--src/--tgt with --data or --train-src ...), null = the committed one.</summary>
    public NativeDsp.Experiments.Data.Mt.MtCorpus? MtCorpus { get; init; }

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
