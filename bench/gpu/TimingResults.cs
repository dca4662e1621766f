using System.Text.Json;
using System.Text.Json.Serialization;
using NativeDsp.Engine.Checkpoints;

namespace NativeDsp.GpuCheck;

/// <summary>
/// One timed case. <see cref="Key"/> and <see cref="Params"/> are what peers.py reads to time the same case
/// in PyTorch, so the shapes have one source (<see cref="CheckPlan"/>).
/// </summary>
/// <param name="Key">Unique name of the case, e.g. <c>gemm 4096</c>.</param>
/// <param name="Kind">gemm, bmm, attention, softtopk, adam or bert_step (peers.py dispatches on it).</param>
/// <param name="Params">The sizes (m, n, k; b, h, t, d; heads, k, tau; layers, ...).</param>
/// <param name="Milliseconds">Median time of one call (one step), ms; null when the case failed.</param>
/// <param name="Flops">Floating-point operations of one call (multiply and add counted as 2).</param>
/// <param name="Bytes">Minimum bytes one call must move to or from device memory (inputs read once, outputs written once).</param>
/// <param name="Repeats">Timed repetitions behind the median (warm-up excluded).</param>
/// <param name="Note">Anything the reader needs: an error, a fallback, what is included.</param>
public sealed record TimingCase(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("params")] Dictionary<string, double> Params,
    [property: JsonPropertyName("ms")] double? Milliseconds,
    [property: JsonPropertyName("flops")] double Flops,
    [property: JsonPropertyName("bytes")] double Bytes,
    [property: JsonPropertyName("repeats")] int Repeats,
    [property: JsonPropertyName("note")] string Note);

/// <summary>What <c>time</c> writes (ours.json) and <c>report</c> reads back.</summary>
/// <param name="Device">The device description and why it was picked.</param>
/// <param name="Tiny">Whether the tiny dry-run shapes were used.</param>
/// <param name="Cases">The timed cases.</param>
public sealed record TimingFile(
    [property: JsonPropertyName("device")] string Device,
    [property: JsonPropertyName("tiny")] bool Tiny,
    [property: JsonPropertyName("cases")] List<TimingCase> Cases)
{
    static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Writes the file atomically (temporary file, then rename).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Options));

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not such a JSON document.</exception>
    public static TimingFile Load(string path) =>
        JsonSerializer.Deserialize<TimingFile>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty timing file");
}

/// <summary>One PyTorch timing from peers.py.</summary>
/// <param name="Key">The <see cref="TimingCase.Key"/> it answers.</param>
/// <param name="Milliseconds">Median ms, or null when it was skipped or failed.</param>
/// <param name="Note">What was timed, or why not.</param>
public sealed record PeerCase(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("ms")] double? Milliseconds,
    [property: JsonPropertyName("note")] string Note);

/// <summary>What peers.py writes (peers.json).</summary>
/// <param name="Torch">torch.__version__ and the device, or null without torch.</param>
/// <param name="Skipped">Why every peer was skipped (torch missing, no CUDA), or null.</param>
/// <param name="Cases">One entry per case of ours.json.</param>
public sealed record PeerFile(
    [property: JsonPropertyName("torch")] string? Torch,
    [property: JsonPropertyName("skipped")] string? Skipped,
    [property: JsonPropertyName("cases")] List<PeerCase> Cases)
{
    /// <summary>Reads peers.json.</summary>
    /// <exception cref="InvalidDataException">The file is not such a JSON document.</exception>
    public static PeerFile Load(string path) =>
        JsonSerializer.Deserialize<PeerFile>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty peers file");
}
