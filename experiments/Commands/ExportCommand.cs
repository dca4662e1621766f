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
    public const string Usage =
        """
        usage: nativedsp export --model PATH --format onnx|hf --out DIR [--vocab FILE] [--data DIR] [--device auto|host|...]
          --model   DIR/runs/<run>/ (or its pruned.safetensors) written by nli/mt, or DIR/models/<model>.safetensors
                    (a trained, unpruned model); the architecture is read from DIR/config.<task>.<preset>.txt
          --format  onnx: opset 17; nli -> DIR/model.onnx (input_ids, attention_mask, token_type_ids -> logits);
                          mt -> DIR/encoder_model.onnx (input_ids, attention_mask -> last_hidden_state) and
                          DIR/decoder_model.onnx (input_ids, encoder_hidden_states, encoder_attention_mask -> logits)
                    hf:   nli only; DIR/config.json (with pruned_heads), model.safetensors, vocab.txt
                          (BertForSequenceClassification, loadable by transformers)
          --vocab   hf: the WordPiece vocabulary (default: the pretrained encoder's, else DATA/nli/wordpiece.vocab.txt)
        Pruned heads are physically absent from the exported weights.
        """;

    static readonly string[] ValueOptions = ["--model", "--format", "--out", "--vocab", "--data", "--device"];
    static readonly string[] Formats = ["onnx", "hf"];

    public static int Run(string[] args)
    {
        var options = CommandOptions.Parse(args, ValueOptions, [], Usage);
        if (options.Positional.Count > 0) throw new UsageException($"unexpected argument '{options.Positional[0]}'", Usage);
        string model = options.Get("--model") ?? throw new UsageException("--model PATH is required", Usage);
        string format = options.Get("--format") ?? throw new UsageException("--format onnx|hf is required", Usage);
        RunArguments.OneOfOrUsage(format, Formats, "--format", Usage);
        string outDir = options.Get("--out") ?? throw new UsageException("--out DIR is required", Usage);
        using var device = SingleRunCommand.SelectDevice(options.Get("--device") ?? "host", Usage);
        return Export(model, format, outDir, options.Get("--vocab"), options.Get("--data"), device, Console.Out);
    }

    /// <summary>Loads the saved model and writes it; returns 0. Prints the files written.</summary>
    public static int Export(string modelPath, string format, string outDir, string? vocab, string? dataDir, NativeDsp.Engine.Device device, TextWriter log)
    {
        using var saved = SavedModel.Load(modelPath, device);
        var prunable = (NativeDsp.Model.Pruning.IHeadPrunable)saved.Model;
        log.WriteLine($"{saved.Task} model ({saved.Preset} preset) from {saved.ResultsDirectory}: {prunable.HeadIndex.Count}/{prunable.HeadIndex.OriginalCount} heads");
        Directory.CreateDirectory(outDir);
        switch (saved.Model, format)
        {
            case (NliClassifier classifier, "onnx"):
                OnnxClassifierExport.Write(classifier, Path.Combine(outDir, "model.onnx"));
                log.WriteLine($"wrote {Path.Combine(outDir, "model.onnx")} (opset {OnnxGraphBuilder.Opset})");
                break;
            case (Seq2Seq s2s, "onnx"):
                OnnxSeq2SeqExport.Write(s2s, outDir);
                log.WriteLine($"wrote {Path.Combine(outDir, OnnxSeq2SeqExport.EncoderFile)} and {Path.Combine(outDir, OnnxSeq2SeqExport.DecoderFile)} (opset {OnnxGraphBuilder.Opset})");
                break;
            case (NliClassifier classifier, "hf"):
                var vocabulary = Vocabulary(saved.Config, vocab, dataDir);
                if (vocabulary.Count != classifier.Config.Vocab)
                    throw new DataInputException($"the vocabulary has {vocabulary.Count} tokens, the model's embedding {classifier.Config.Vocab} rows: give the vocabulary it was trained with (--vocab FILE)");
                try
                {
                    HfBertExport.Write(classifier, vocabulary, NliLabels.All.Select(NliLabels.Name).ToList(), outDir);
                }
                catch (NotSupportedException e)
                {
                    throw new UsageException($"--format hf: {e.Message}; use --format onnx", Usage);
                }
                log.WriteLine($"wrote {outDir}: config.json, model.safetensors, vocab.txt (Hugging Face BertForSequenceClassification)");
                break;
            default:
                throw new UsageException("--format hf writes a BERT classifier (nli); export an mt model with --format onnx", Usage);
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
