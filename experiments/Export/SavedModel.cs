using System.Globalization;
using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Experiments.Pruning;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pretrained.Import;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Experiments.Export;

/// <summary>
/// A model the experiment commands saved, rebuilt for export: <c>DIR/runs/&lt;run&gt;/pruned.safetensors</c> (a
/// pruned, possibly fine-tuned model; its metadata "kept_heads" lists the original ids of the heads kept) or
/// <c>DIR/models/&lt;task&gt;-&lt;preset&gt;-seed&lt;S&gt;-&lt;hash&gt;.safetensors</c> (a trained, unpruned model of the
/// pipelined setting's cache). The architecture comes from DIR/config.&lt;task&gt;.&lt;preset&gt;.txt (the run-config
/// record) on top of the preset, the vocabulary sizes and classes from the tensors' shapes; the heads named
/// in "kept_heads" are kept and the others removed, then every tensor is loaded strictly (a name or shape
/// that does not fit is an error).
/// </summary>
public sealed class SavedModel : IDisposable
{
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

    /// <summary>Loads <paramref name="path"/>: a .safetensors file as above, or a run folder holding pruned.safetensors.</summary>
    /// <exception cref="DataInputException">The path is not a saved model of a results folder, its config record is
    /// missing, or the tensors do not fit the recorded architecture; the message says which file.</exception>
    public static SavedModel Load(string path, Device device)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, PruningRun.PrunedModelFile) : path;
        if (!File.Exists(file)) throw new DataInputException($"{file}: not found (give DIR/runs/<run>/ or its {PruningRun.PrunedModelFile}, or DIR/models/<model>.safetensors)");
        var (task, preset, dir) = Locate(Path.GetFullPath(file));
        var config = ReadConfig(dir, task, preset);
        SafetensorsFile saved;
        try
        {
            saved = SafetensorsFile.Read(file);
        }
        catch (SafetensorsFormatException e)
        {
            throw new DataInputException(e.Message);
        }
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

    /// <summary>Task, preset and results folder from where the file lies: DIR/runs/&lt;key&gt;/ or DIR/models/.</summary>
    static (string Task, string Preset, string Dir) Locate(string file)
    {
        var folder = new DirectoryInfo(Path.GetDirectoryName(file)!);
        if (folder.Parent is { Name: "runs" } runs && runs.Parent is not null)
        {
            // The run folder is the run's key with '|' -> '_': task_setting_method_K_perlayer_seed_preset.
            var parts = folder.Name.Split('_');
            if (parts.Length == 7 && EnumText.Names<ExperimentTask>().Contains(parts[0])) return (parts[0], parts[6], runs.Parent.FullName);
        }
        if (folder.Name == ExperimentRunner.ModelCacheFolder && folder.Parent is not null)
        {
            var parts = Path.GetFileNameWithoutExtension(file).Split('-');
            if (parts.Length >= 4 && EnumText.Names<ExperimentTask>().Contains(parts[0])) return (parts[0], parts[1], folder.Parent.FullName);
        }
        throw new DataInputException($"{file}: not a model saved by nli/mt/sweep (expected DIR/runs/<task>_<setting>_<method>_<K>_<per-layer>_<seed>_<preset>/{PruningRun.PrunedModelFile} or DIR/{ExperimentRunner.ModelCacheFolder}/<task>-<preset>-seed<S>-<hash>.safetensors)");
    }

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
