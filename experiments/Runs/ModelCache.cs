using System.Globalization;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Model.Training;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The trained model of a pipelined run, cached in DIR/models/ so that a sweep trains each seed's model once.
/// A cache entry carries everything the rest of the run continues from: the weights, the model's dropout
/// stream (fine-tuning after pruning draws its masks from where training left it), where the data order
/// stopped, and the training time. Without the dropout stream a run whose model came from the cache drew other
/// fine-tuning masks than one that trained it (0.39 against 0.435 on the quick NLI sweep); with it, the same
/// command, seed and backend give the same row either way. Reading verifies the entry against the model it
/// is loaded into (format, key, every tensor's name, shape and finiteness, the metadata); a damaged one is
/// reported so that the caller trains the model again and rewrites it.
/// </summary>
public static class ModelCache
{
    /// <summary>The cache's folder under a results folder.</summary>
    public const string Folder = "models";

    /// <summary>The "format" metadata of a cache entry.</summary>
    public const string FormatName = "nativedsp.model-cache";

    /// <summary>The entry layout version this build writes and reads.</summary>
    public const int FormatVersion = 2;

    /// <summary>A trained model's state, as cached.</summary>
    /// <param name="State">The model's state dict.</param>
    /// <param name="Dropout">The model's dropout stream after training (null for a model without dropout stream).</param>
    /// <param name="Data">Where training's data order stopped.</param>
    /// <param name="Seconds">Training time, seconds (reported in the rows of runs that reuse the model).</param>
    public sealed record Entry(Dictionary<string, HostTensor> State, RngState? Dropout, DataOrderState Data, double Seconds)
    {
        /// <summary>The entry of <paramref name="model"/> as it is now.</summary>
        public static Entry Capture(Module model, DataOrderState data, double seconds) =>
            new(model.StateDict(), (model as IDropoutRandom)?.DropoutRng.State, data, seconds);

        /// <summary>Puts the weights and the dropout stream into <paramref name="model"/>.</summary>
        public void ApplyTo(Module model)
        {
            model.LoadStateDict(State);
            if (model is IDropoutRandom random && Dropout is RngState state) random.DropoutRng.Restore(state);
        }
    }

    /// <summary>Writes <paramref name="entry"/> for <paramref name="key"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="IOException">The file cannot be written; nothing is left behind.</exception>
    public static void Write(string path, string key, Entry entry)
    {
        var inv = CultureInfo.InvariantCulture;
        var meta = new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["format_version"] = FormatVersion.ToString(inv),
            ["key"] = key,
            ["train_seconds"] = entry.Seconds.ToString("R", inv),
            ["data.epoch"] = entry.Data.Epoch.ToString(inv),
            ["data.position"] = entry.Data.Position.ToString(inv),
            ["data.seed"] = entry.Data.Seed.ToString(inv),
            ["data.count"] = entry.Data.Count.ToString(inv),
        };
        if (entry.Dropout is RngState rng)
        {
            meta["rng.dropout.seed"] = rng.Seed.ToString(inv);
            meta["rng.dropout.offset"] = rng.Offset.ToString(inv);
        }
        SafetensorsWriter.Write(path, entry.State, meta);
    }

    /// <summary>
    /// The entry at <paramref name="path"/> if it is a complete, undamaged cache of <paramref name="key"/> that fits
    /// <paramref name="model"/>; otherwise null and, in <paramref name="problem"/>, what is wrong with it.
    /// </summary>
    public static Entry? TryRead(string path, string key, Module model, out string? problem)
    {
        try
        {
            var entry = Read(path, key, model);
            problem = null;
            return entry;
        }
        catch (Exception e) when (e is IOException or ExpectedFailureException or FormatException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return null;
        }
    }

    static Entry Read(string path, string key, Module model)
    {
        var file = SafetensorsFile.Read(path);
        var meta = file.Metadata;
        string Get(string name) => meta.TryGetValue(name, out var v) ? v : throw new FormatException($"the metadata has no '{name}'");
        T Parse<T>(string name) where T : IParsable<T> =>
            T.TryParse(Get(name), CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"metadata '{name}' = '{Get(name)}' does not parse");

        if (!meta.TryGetValue("format", out var format) || format != FormatName)
            throw new FormatException($"not a model cache of this version (format '{format ?? "none"}')");
        if (Parse<int>("format_version") != FormatVersion) throw new FormatException($"format version {Get("format_version")}, this build reads {FormatVersion}");
        if (Get("key") != key) throw new FormatException($"it caches the model '{Get("key")}', this run needs '{key}'");
        double seconds = Parse<double>("train_seconds");
        var data = new DataOrderState(Parse<long>("data.epoch"), Parse<long>("data.position"), Parse<ulong>("data.seed"), Parse<long>("data.count"));
        RngState? dropout = null;
        if (model is IDropoutRandom) dropout = new RngState(Parse<ulong>("rng.dropout.seed"), Parse<ulong>("rng.dropout.offset"));

        var expected = model.StateDict();
        var state = new Dictionary<string, HostTensor>();
        foreach (var (name, like) in expected)
        {
            if (!file.Tensors.TryGetValue(name, out var tensor)) throw new FormatException($"tensor '{name}' is missing");
            if (tensor.DType != SafetensorsDType.F32) throw new FormatException($"tensor '{name}' is {tensor.DType}, not F32");
            var host = tensor.ToHostTensor();
            if (!host.Shape.ToArray().SequenceEqual(like.Shape.ToArray()))
                throw new FormatException($"tensor '{name}' has shape [{string.Join(", ", host.Shape.ToArray())}], the model's is [{string.Join(", ", like.Shape.ToArray())}]");
            FiniteWeights.Require(path, name, host.Data);
            state[name] = host;
        }
        if (file.Tensors.Keys.FirstOrDefault(n => !expected.ContainsKey(n)) is string extra) throw new FormatException($"tensor '{extra}' is not part of the model");
        return new Entry(state, dropout, data, seconds);
    }
}
