using System.CommandLine;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Nli;
using NativeDsp.Experiments.Export;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pretrained.Import;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp export</c>: a trained or pruned model of an nli/mt/sweep results folder written for other tools,
/// as ONNX (<see cref="OnnxClassifierExport"/>, <see cref="OnnxSeq2SeqExport"/>) or as a Hugging Face BERT
/// directory (<see cref="HfBertExport"/>, NLI classifiers only).
/// </summary>
public static class ExportCommand
{
    public enum ExportFormat { Onnx, Hf }

    public static Command Create()
    {
        var command = new Command("export", "write a trained or pruned model as ONNX (opset 17) or as a Hugging Face BERT directory; pruned heads are physically absent");
        var model = new Option<string>("--model")
        {
            Description = "DIR/runs/<run>/ (or its pruned.safetensors) written by nli/mt, or DIR/models/<model>.safetensors (a trained, " +
                          "unpruned model); the architecture is read from DIR/config.<task>.<preset>.txt",
            HelpName = "PATH",
            Required = true,
        };
        var format = CliOptions.RequiredChoice<ExportFormat>("--format",
            "onnx: nli -> OUT/model.onnx (input_ids, attention_mask, token_type_ids -> logits); mt -> OUT/encoder_model.onnx " +
            "(input_ids, attention_mask -> last_hidden_state) and OUT/decoder_model.onnx (input_ids, encoder_hidden_states, " +
            "encoder_attention_mask -> logits); hf: nli only, OUT/config.json (with pruned_heads), model.safetensors, vocab.txt " +
            "(BertForSequenceClassification)");
        var output = new Option<string>("--out") { Description = "the folder to write", HelpName = "OUT", Required = true };
        var vocab = new Option<string?>("--vocab") { Description = "hf: the WordPiece vocabulary the model was trained with (default: the pretrained encoder's, else DATA/nli/wordpiece.vocab.txt)", HelpName = "FILE" };
        var data = new Option<string?>("--data") { Description = "data root holding nli/ (for the default vocabulary)", HelpName = "PATH" };
        var device = CliOptions.Device();
        foreach (Option o in new Option[] { model, format, output, vocab, data, device }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            string outDir = parsed.GetValue(output)!;
            CliOptions.RequireFolder(outDir);
            using var dev = Devices.Open(parsed.GetValue(device));
            return Export(parsed.GetValue(model)!, parsed.GetValue(format), outDir, parsed.GetValue(vocab), parsed.GetValue(data), dev, Console.Out);
        });
        return command;
    }

    /// <summary>Loads the saved model and writes it; returns 0. Prints the files written.</summary>
    /// <exception cref="UsageException">hf for a model a BERT cannot hold (mt, pre-LN).</exception>
    /// <exception cref="DataInputException">The saved model or the vocabulary cannot be read or does not fit.</exception>
    public static int Export(string modelPath, ExportFormat format, string outDir, string? vocab, string? dataDir, NativeDsp.Engine.Device device, TextWriter log)
    {
        using var saved = SavedModel.Load(modelPath, device);
        var prunable = (NativeDsp.Model.Pruning.IHeadPrunable)saved.Model;
        // A unit-pruned model also says its shape (heads/neurons per layer, "-" for a removed block).
        string shape = saved.Model is NativeDsp.Model.Pruning.Units.IUnitPrunable units ? $"; shape {NativeDsp.Experiments.Pruning.PrunedShape.Describe(units)}" : "";
        log.WriteLine($"{saved.Task} model ({saved.Preset} preset) from {saved.ResultsDirectory}: {prunable.HeadIndex.Count}/{prunable.HeadIndex.OriginalCount} heads{shape}");
        Directory.CreateDirectory(outDir);
        switch (saved.Model, format)
        {
            case (NliClassifier classifier, ExportFormat.Onnx):
                OnnxClassifierExport.Write(classifier, Path.Combine(outDir, "model.onnx"));
                log.WriteLine($"wrote {Path.Combine(outDir, "model.onnx")} (opset {OnnxGraphBuilder.Opset})");
                break;
            case (Seq2Seq s2s, ExportFormat.Onnx):
                OnnxSeq2SeqExport.Write(s2s, outDir);
                log.WriteLine($"wrote {Path.Combine(outDir, OnnxSeq2SeqExport.EncoderFile)} and {Path.Combine(outDir, OnnxSeq2SeqExport.DecoderFile)} (opset {OnnxGraphBuilder.Opset})");
                break;
            case (NliClassifier classifier, ExportFormat.Hf):
                var vocabulary = Vocabulary(saved.Config, vocab, dataDir);
                if (vocabulary.Count != classifier.Config.Vocab)
                    throw new DataInputException($"the vocabulary has {vocabulary.Count} tokens, the model's embedding {classifier.Config.Vocab} rows: give the vocabulary it was trained with (--vocab FILE)");
                try
                {
                    HfBertExport.Write(classifier, vocabulary, NliLabels.All.Select(NliLabels.Name).ToList(), outDir);
                }
                catch (NotSupportedException e)
                {
                    throw new UsageException($"--format hf: {e.Message}; use --format onnx");
                }
                log.WriteLine($"wrote {outDir}: config.json, model.safetensors, vocab.txt (Hugging Face BertForSequenceClassification)");
                break;
            default:
                throw new UsageException("--format hf writes a BERT classifier (nli); export an mt model with --format onnx");
        }
        return 0;
    }

    static IReadOnlyList<string> Vocabulary(ExperimentConfig config, string? vocab, string? dataDir)
    {
        if (vocab is not null) return VocabFile(vocab);
        if (config.Pretrained == PretrainedEncoders.MiniLm) return MiniLmImporter.ReadVocabulary();
        if (config.Pretrained.Length > 0) return VocabFile(Path.Combine(config.Pretrained, SafetensorsBertCheckpoint.VocabFile));
        return VocabFile(Path.Combine(DataPaths.NliDir(dataDir), "wordpiece.vocab.txt"));
    }

    static List<string> VocabFile(string path) => TextFiles.ReadLines(path).Select(l => l.Text).ToList();
}
