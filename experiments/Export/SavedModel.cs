using System.Globalization;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Experiments.Pruning;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Pretrained.Import;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Experiments.Export;

/// <summary>
/// A model the experiment commands saved, rebuilt for export: <c>DIR/runs/&lt;run&gt;/pruned.safetensors</c> (a
/// pruned, possibly fine-tuned model of a head run, a unit run or a sweep's run) or
/// <c>DIR/models/&lt;task&gt;-&lt;preset&gt;-seed&lt;S&gt;-&lt;hash&gt;.safetensors</c> (a trained, unpruned model of the
/// pipelined setting's cache). A run's file says what it is in its metadata: "task" and "preset" (written since the
/// unit runs; older files are located by their run folder's name, task first and preset last, whatever lies between),
/// "kept_heads" (the original ids of the heads kept) and, for a unit run, "pruned_shape" (heads / neurons per layer,
/// "-" for a removed block; <see cref="PrunedShape"/>). The architecture comes from DIR/config.&lt;task&gt;.&lt;preset&gt;.txt
/// (the run-config record) on top of the preset, the vocabulary sizes and classes from the tensors' shapes; the heads
/// named in "kept_heads" are kept, the shape's neurons and blocks pruned, then every tensor is loaded strictly (a name
/// or shape that does not fit is an error).
/// </summary>
public sealed class SavedModel : IDisposable
{
    /// <summary>The metadata keys of a run's pruned.safetensors that name its task and preset (<see cref="RunMetadata"/>).</summary>
    public const string TaskKey = "task", PresetKey = "preset";

    SavedModel(Module model, string task, string preset, ExperimentConfig config, string resultsDirectory)
    {
        Model = model;
        Task = task;
        Preset = preset;
        Config = config;
        ResultsDirectory = resultsDirectory;
    }

    public Module Model { get; }
    /// <summary>"nli" (an <see cref="NliClassifier"/>) or "mt" (a <see cref="Seq2Seq"/>).</summary>
    public string Task { get; }
    public string Preset { get; }
    public ExperimentConfig Config { get; }
    /// <summary>The results folder (DIR) the model was found in.</summary>
    public string ResultsDirectory { get; }

    /// <summary>What a run writes into its pruned.safetensors so that <see cref="Load"/> finds its config: task and preset.</summary>
    public static Dictionary<string, string> RunMetadata(string task, string preset) => new() { [TaskKey] = task, [PresetKey] = preset };

    /// <summary>Loads <paramref name="path"/>: a .safetensors file as above, or a run folder holding pruned.safetensors.</summary>
    /// <exception cref="DataInputException">The path is not a saved model of a results folder, its config record is
    /// missing, or the tensors do not fit the recorded architecture; the message says which file.</exception>
    public static SavedModel Load(string path, Device device)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, PruningRun.PrunedModelFile) : path;
        if (!File.Exists(file)) throw new DataInputException($"{file}: not found (give DIR/runs/<run>/ or its {PruningRun.PrunedModelFile}, or DIR/models/<model>.safetensors)");
        string full = Path.GetFullPath(file);
        // Where it lies is checked before it is read: a stray file is named as such, not as a broken safetensors file.
        if (!InRunFolder(full) && !InModelCache(full)) throw NotASavedModel(full);
        SafetensorsFile saved;
        try
        {
            saved = SafetensorsFile.Read(file);
        }
        catch (SafetensorsFormatException e)
        {
            throw new DataInputException(e.Message);
        }
        var (task, preset, dir) = Locate(full, saved.Metadata);
        var config = ReadConfig(dir, task, preset);
        var state = saved.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToHostTensor());
        Module model = task == "nli" ? BuildClassifier(device, config, state, file) : BuildSeq2Seq(device, config, state, file);
        try
        {
            var prunable = (IHeadPrunable)model;
            if (saved.Metadata.TryGetValue("kept_heads", out var keptText))
            {
                var kept = keptText.Length == 0 ? [] : keptText.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                // kept_heads are original ids; PruneHeads takes current ones (they differ when the start was already pruned).
                var index = prunable.HeadIndex;
                var current = Enumerable.Range(0, index.Count).ToDictionary(index.OriginalId);
                prunable.PruneHeads(kept.Select(o => current.TryGetValue(o, out int c) ? c
                    : throw new DataInputException($"{file}: kept_heads names head {o}, which the model built from {RunConfigRecord.PathFor(dir, task, preset)} does not have")));
            }
            // A unit run's neurons and removed blocks. With kept_heads applied first the shape's head counts are the
            // model's, so it keeps them all; a file without kept_heads keeps each layer's first heads (the same function
            // once the weights load, since a kept head's rows are stored in order).
            if (saved.Metadata.TryGetValue("pruned_shape", out var shape) && model is IUnitPrunable units)
            {
                PrunedShape.Apply(units, shape);
                DropDeadNorms(model, state);
            }
            model.LoadStateDict(state);
            model.Eval();
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or FormatException)
        {
            model.Dispose();
            throw new DataInputException($"{file}: does not fit the {task} model of {RunConfigRecord.PathFor(dir, task, preset)}: {e.Message}");
        }
        return new SavedModel(model, task, preset, config, dir);
    }

    /// <summary>
    /// Files written before a removed pre-LN branch dropped its input norm hold that norm's (unused) weights; the model
    /// rebuilt today has no such norm, so they are left out rather than refused.
    /// </summary>
    static void DropDeadNorms(Module model, Dictionary<string, HostTensor> state)
    {
        if (model is not NliClassifier classifier) return;
        for (int i = 0; i < classifier.Encoder.Layers.Count; i++)
        {
            var layer = classifier.Encoder.Layers[i];
            foreach (var (norm, name) in new[] { (layer.SelfAttentionNorm, "self_attn_layer_norm"), (layer.FinalNorm, "final_layer_norm") })
                if (norm is null)
                    foreach (string suffix in new[] { ".weight", ".bias" }) state.Remove($"encoder.layers.{i}.{name}{suffix}");
        }
    }

    /// <summary>
    /// Task, preset and results folder of a saved file: a run's file under DIR/runs/&lt;run&gt;/ names its task and preset in
    /// its metadata (older files: the run folder's name, the run's key with '|' -> '_', begins with the task and ends with
    /// the preset: head runs task_setting_method_K_perlayer_seed_preset, unit runs
    /// task_setting_method_units_budget_perlayer_seed_preset); a cached model lies in DIR/models/ as
    /// task-preset-seedS-hash.safetensors.
    /// </summary>
    static (string Task, string Preset, string Dir) Locate(string file, IReadOnlyDictionary<string, string> metadata)
    {
        var folder = new DirectoryInfo(Path.GetDirectoryName(file)!);
        var tasks = EnumText.Names<ExperimentTask>();
        var presets = EnumText.Names<PresetName>();
        if (InRunFolder(file))
        {
            var runs = folder.Parent!;
            if (metadata.TryGetValue(TaskKey, out var task) && metadata.TryGetValue(PresetKey, out var preset))
            {
                if (!tasks.Contains(task) || !presets.Contains(preset))
                    throw new DataInputException($"{file}: its metadata names task '{task}' and preset '{preset}'; tasks are {string.Join(", ", tasks)}, presets {string.Join(", ", presets)}");
                return (task, preset, runs.Parent!.FullName);
            }
            var parts = folder.Name.Split('_');
            if (parts.Length >= 7 && tasks.Contains(parts[0]) && presets.Contains(parts[^1])) return (parts[0], parts[^1], runs.Parent!.FullName);
        }
        if (InModelCache(file))
        {
            var parts = Path.GetFileNameWithoutExtension(file).Split('-');
            if (parts.Length >= 4 && tasks.Contains(parts[0])) return (parts[0], parts[1], folder.Parent!.FullName);
        }
        throw NotASavedModel(file);
    }

    static bool InRunFolder(string file) => new DirectoryInfo(Path.GetDirectoryName(file)!).Parent is { Name: "runs", Parent: not null };

    static bool InModelCache(string file) => new DirectoryInfo(Path.GetDirectoryName(file)!) is { Name: ExperimentRunner.ModelCacheFolder, Parent: not null };

    static DataInputException NotASavedModel(string file) => new($"{file}: not a model saved by nli/mt/sweep (expected DIR/runs/<run>/{PruningRun.PrunedModelFile}, " +
        $"written by a run, or DIR/{ExperimentRunner.ModelCacheFolder}/<task>-<preset>-seed<S>-<hash>.safetensors)");

    /// <summary>The preset with the recorded settings of DIR/config.&lt;task&gt;.&lt;preset&gt;.txt applied.</summary>
    static ExperimentConfig ReadConfig(string dir, string task, string preset)
    {
        string path = RunConfigRecord.PathFor(dir, task, preset);
        if (!File.Exists(path)) throw new DataInputException($"{path}: not found; the run-config record gives the model's architecture");
        var config = Presets.Get(task, preset);
        foreach (var (name, value) in RunConfigRecord.Read(path))
        {
            if (name == "data" || value.Length == 0) continue; // the data identity; an empty value = the preset's default ("" pretrained)
            try
            {
                config = config.WithOverride(name, value);
            }
            catch (ArgumentException e)
            {
                throw new DataInputException($"{path}: {name}={value}: {e.Message}");
            }
        }
        return config;
    }

    static int Rows(Dictionary<string, HostTensor> state, string name, string file) =>
        state.TryGetValue(name, out var t) ? t.Shape[0] : throw new DataInputException($"{file}: tensor '{name}' is missing");

    static NliClassifier BuildClassifier(Device device, ExperimentConfig c, Dictionary<string, HostTensor> state, string file)
    {
        var pretrained = c.Pretrained.Length > 0 ? PretrainedEncoders.ConfigOf(c.Pretrained) : null;
        var model = new NliClassifier(device, new NliClassifierConfig
        {
            Layers = c.Layers, DModel = c.DModel, Heads = c.AttnHeads, Ffn = c.Ffn, PreNorm = c.PreNorm, Dropout = c.Dropout,
            Vocab = Rows(state, "token_embedding.weight", file), MaxPositions = Rows(state, "position_embedding.weight", file),
            Segments = Rows(state, "segment_embedding.weight", file), Classes = Rows(state, "classifier.weight", file),
            LayerNormEps = pretrained?.LayerNormEps ?? 1e-12f, PadId = pretrained?.PadTokenId ?? 0,
        });
        // A checkpoint that was itself pruned (an exported HF directory used as --init) starts with those heads gone.
        if (pretrained is { PrunedHeads.Count: > 0 }) model.PruneHeads(pretrained.KeptHeadIds());
        return model;
    }

    static Seq2Seq BuildSeq2Seq(Device device, ExperimentConfig c, Dictionary<string, HostTensor> state, string file)
    {
        int vocab = Rows(state, "encoder_embed_tokens.weight", file);
        // As MtExperiment builds it; BPE's special tokens are <pad> 0, <s> 1, </s> 2 (BpeVocabulary.SpecialTokens).
        return new Seq2Seq(device, new Seq2SeqConfig
        {
            EncoderLayers = c.Layers, DecoderLayers = c.DecoderLayers, DModel = c.DModel, Heads = c.AttnHeads, Ffn = c.Ffn, Dropout = c.Dropout,
            SourceVocab = vocab, TargetVocab = vocab, SharedEmbeddings = true, MaxPositions = Math.Max(c.MaxLen, c.DecodeMaxLen) + 2,
            PadId = 0, BosId = 1, EosId = 2,
        });
    }

    public void Dispose() => Model.Dispose();
}
