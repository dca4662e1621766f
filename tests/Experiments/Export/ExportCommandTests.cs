using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;
using NativeDsp.Experiments;
using NativeDsp.Experiments.Export;
using NativeDsp.Model.Pretrained.Import;
using NativeDsp.Model.Transformer;
using NativeDsp.Tests.Experiments.Data;

namespace NativeDsp.Tests.Experiments.Export;

/// <summary>
/// <c>nativedsp export</c> on what the run commands save: a pruned NLI run (runs/&lt;run&gt;/pruned.safetensors) to ONNX
/// and to the HF layout, and a pruned MT run on the fairseq-layout sample to encoder/decoder ONNX; each export
/// is run (ONNX Runtime, or our importer) against the saved model rebuilt by <see cref="SavedModel"/>.
/// </summary>
[Collection(ExperimentCommandTests.CliCollection)]
public sealed class ExportCommandTests
{
    static readonly string[] Tiny =
    [
        "--layers", "1", "--attn_heads", "4", "--d_model", "16", "--ffn", "16", "--steps", "2", // joint runs: no --mask_steps (they learn the mask over --steps)
        "--train_examples", "32", "--eval_examples", "8", "--batch", "8", "--device", "host", "--seed", "1",
    ];

    [Fact]
    public void Pruned_nli_run_exports_to_onnx_and_hf_that_compute_its_logits()
    {
        using var dir = new TempDir();
        string results = dir.File("results");
        Assert.Equal(0, Program.Main(["nli", "--method", "dsp", "--heads", "2", "--out", results, "--pre_norm", "false", .. Tiny]));
        string run = Directory.GetDirectories(Path.Combine(results, "runs")).Single();

        Assert.Equal(0, Program.Main(["export", "--model", run, "--format", "onnx", "--out", dir.File("onnx")]));
        Assert.Equal(0, Program.Main(["export", "--model", run, "--format", "hf", "--out", dir.File("hf")]));

        using var device = new Device(TestBackends.Host);
        using var saved = SavedModel.Load(run, device);
        var model = (NliClassifier)saved.Model;
        Assert.Equal(2, model.HeadIndex.Count);
        int[] ids = [2, 40, 41, 3, 42, 3, 0, /**/ 2, 43, 44, 45, 3, 46, 3];
        int[] segments = [0, 0, 0, 0, 1, 1, 0, /**/ 0, 0, 0, 0, 0, 1, 1];
        var mask = ids.Select(i => i == 0 ? 0 : 1).ToArray();
        float[] ours;
        using (device.Scope())
        using (NoGrad.Scope())
            ours = model.Forward(ids, segments, 2, 7).ToArray();

        var onnx = OnnxRuntimeRunner.Run(dir.File("onnx/model.onnx"), "logits", new Dictionary<string, (Array, int[])>
        {
            ["input_ids"] = (ids, [2, 7]), ["attention_mask"] = (mask, [2, 7]), ["token_type_ids"] = (segments, [2, 7]),
        });
        Assert.True(OnnxRuntimeRunner.MaxDiff(ours, onnx) < 1e-4); // fp32, one layer of width 16

        using var back = SafetensorsBertCheckpoint.Read(dir.File("hf")).CreateNliClassifier(device, classes: 3);
        back.Eval();
        using (device.Scope())
        using (NoGrad.Scope())
            Assert.Equal(ours, back.Forward(ids, segments, 2, 7).ToArray());
    }

    /// <summary>
    /// A unit run's folder (task_setting_method_units_budget_perlayer_seed_preset: more parts than a head run's) is found by
    /// the metadata the run wrote, its pruned model rebuilt at its physical shape (removed blocks, neuron widths, a pre-LN
    /// removed branch's norm gone) and exported to ONNX with its logits; the HF layout, which cannot hold it, is refused in
    /// one line. A file written before runs recorded task, preset and kept heads (and, pre-LN, with the dead norm's
    /// weights still in it) loads too, from the folder's name.
    /// </summary>
    [Theory]
    [InlineData("blocks", false, "BertConfig cannot express a removed FFN block")]
    [InlineData("heads,neurons", true, "a Hugging Face BERT is post-LN")]
    public void A_unit_run_exports_to_onnx_with_its_logits_and_old_unit_run_files_still_load(string units, bool preNorm, string hfRefusal)
    {
        using var dir = new TempDir();
        string results = dir.File("results");
        string data = TinyData.Nli(dir.File("data"));
        var (code, output, err) = CliRunner.Run(["nli", "--method", "dsp", "--units", units, "--keep-params-fraction", "0.5", "--setting", "pipelined",
                                                 "--pre_norm", preNorm ? "true" : "false", "--time-reps", "1", "--out", results, "--data", data,
                                                 "--layers", "2", "--attn_heads", "2", "--d_model", "16", "--ffn", "16", "--mask_steps", "6", "--steps", "8",
                                                 "--train_examples", "96", "--eval_examples", "32", "--batch", "8", "--device", "host", "--seed", "1"]);
        Assert.True(code == 0, output + err);
        var row = Assert.Single(NativeDsp.Experiments.Results.ResultsFile.Read(Path.Combine(results, "results.csv")));
        string run = Directory.GetDirectories(Path.Combine(results, "runs")).Single();
        Assert.True(Path.GetFileName(run).Split('_').Length > 7, run); // not a head run's 7-part name
        Assert.Equal(0, Program.Main(["export", "--model", run, "--format", "onnx", "--out", dir.File("onnx")]));
        string line = CliRunner.AssertFails(2, "export", "--model", run, "--format", "hf", "--out", dir.File("hf"));
        Assert.Contains(hfRefusal, line);
        Assert.Contains("--format hf", line);
        Assert.Contains("use --format onnx", line);

        using var device = new Device(TestBackends.Host);
        int[] ids = [2, 40, 41, 3, 42, 3, 0, /**/ 2, 43, 44, 45, 3, 46, 3];
        int[] segments = [0, 0, 0, 0, 1, 1, 0, /**/ 0, 0, 0, 0, 0, 1, 1];
        var mask = ids.Select(i => i == 0 ? 0 : 1).ToArray();
        float[] Logits(string path)
        {
            using var saved = SavedModel.Load(path, device);
            var model = (NliClassifier)saved.Model;
            // The physical model the run measured: its shape and its parameter count.
            Assert.Equal(row.PrunedShape, NativeDsp.Experiments.Pruning.PrunedShape.Describe(model));
            Assert.Equal(row.ParamsPruned, model.ParameterCount);
            using (device.Scope())
            using (NoGrad.Scope())
                return model.Forward(ids, segments, 2, 7).ToArray();
        }
        float[] ours = Logits(run);
        var onnx = OnnxRuntimeRunner.Run(dir.File("onnx/model.onnx"), "logits", new Dictionary<string, (Array, int[])>
        {
            ["input_ids"] = (ids, [2, 7]), ["attention_mask"] = (mask, [2, 7]), ["token_type_ids"] = (segments, [2, 7]),
        });
        Assert.True(OnnxRuntimeRunner.MaxDiff(ours, onnx) < 1e-4); // fp32, two layers of width 16 (the export tests' bar)

        // The same run as an older build wrote it: no task, preset or kept_heads in the metadata, and pre-LN the removed
        // branch's norm still in the file.
        string file = Path.Combine(run, NativeDsp.Experiments.Pruning.PruningRun.PrunedModelFile);
        var written = SafetensorsFile.Read(file);
        var tensors = written.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToHostTensor());
        var shape = row.PrunedShape!.Split(';');
        for (int l = 0; l < shape.Length && preNorm; l++)
            foreach (var (part, norm) in new[] { (shape[l].Split('/')[0], "self_attn_layer_norm"), (shape[l].Split('/')[1], "final_layer_norm") })
                if (part == "-")
                    foreach (string p in new[] { "weight", "bias" }) tensors[$"encoder.layers.{l}.{norm}.{p}"] = new HostTensor(new Shape(16), new float[16]);
        var old = written.Metadata.Where(kv => kv.Key is not ("task" or "preset" or "kept_heads")).ToDictionary(kv => kv.Key, kv => kv.Value);
        SafetensorsWriter.Write(file, tensors, old);
        Assert.Equal(ours, Logits(run));
    }

    [Fact]
    public void Pruned_mt_run_exports_encoder_and_decoder_step_to_onnx()
    {
        using var dir = new TempDir();
        string results = dir.File("results");
        string sample = Path.Combine(NativeDsp.Experiments.Data.Io.DataPaths.DataRoot(), "mt-fairseq-sample");
        Assert.Equal(0, Program.Main(["mt", "--method", "ste", "--heads", "5", "--src", "es", "--tgt", "en", "--data", sample, "--out", results,
                                      "--decoder_layers", "1", "--max_len", "40", "--decode_max_len", "6", .. Tiny]));
        string run = Directory.GetDirectories(Path.Combine(results, "runs")).Single();
        Assert.Equal(0, Program.Main(["export", "--model", run, "--format", "onnx", "--out", dir.File("onnx")]));
        Assert.Contains("BERT classifier", CliRunner.AssertFails(2, "export", "--model", run, "--format", "hf", "--out", dir.File("hf"))); // hf is BERT only

        using var device = new Device(TestBackends.Host);
        using var saved = SavedModel.Load(run, device);
        var model = (Seq2Seq)saved.Model;
        Assert.Equal(5, model.HeadIndex.Count);
        int[] source = [10, 11, 12, 2, 0, 0, /**/ 13, 14, 15, 16, 17, 2];
        var mask = source.Select(i => i == 0 ? 0 : 1).ToArray();
        float[] memory;
        using (device.Scope())
        using (NoGrad.Scope())
        {
            var (ids, m) = model.SourceTensors(source, 2, 6);
            memory = model.Encode(ids, m).ToArray();
        }
        var onnx = OnnxRuntimeRunner.Run(dir.File("onnx/encoder_model.onnx"), "last_hidden_state",
            new Dictionary<string, (Array, int[])> { ["input_ids"] = (source, [2, 6]), ["attention_mask"] = (mask, [2, 6]) });
        Assert.True(OnnxRuntimeRunner.MaxDiff(memory, onnx) < 1e-4);
        Assert.True(File.Exists(dir.File("onnx/decoder_model.onnx")));
    }

    [Fact]
    public void Cached_unpruned_model_exports_and_a_path_outside_a_results_folder_is_refused_in_one_line()
    {
        using var dir = new TempDir();
        string results = dir.File("results");
        Assert.Equal(0, Program.Main(["nli", "--method", "none", "--out", results, .. Tiny])); // trains and caches DIR/models/<model>.safetensors
        string cached = Directory.GetFiles(Path.Combine(results, "models")).Single();
        Assert.Equal(0, Program.Main(["export", "--model", cached, "--format", "onnx", "--out", dir.File("onnx")]));

        using var device = new Device(TestBackends.Host);
        using var saved = SavedModel.Load(cached, device);
        var model = (NliClassifier)saved.Model;
        Assert.Equal(4, model.HeadIndex.Count); // unpruned: 1 layer x 4 heads
        int[] ids = [2, 40, 41, 3, 42, 3];
        int[] zeros = new int[6];
        int[] ones = [1, 1, 1, 1, 1, 1];
        float[] ours;
        using (device.Scope())
        using (NoGrad.Scope())
            ours = model.Forward(ids, zeros, 1, 6).ToArray();
        var onnx = OnnxRuntimeRunner.Run(dir.File("onnx/model.onnx"), "logits", new Dictionary<string, (Array, int[])>
        {
            ["input_ids"] = (ids, [1, 6]), ["attention_mask"] = (ones, [1, 6]), ["token_type_ids"] = (zeros, [1, 6]),
        });
        Assert.True(OnnxRuntimeRunner.MaxDiff(ours, onnx) < 1e-4);

        string stray = dir.Write("elsewhere/model.safetensors", "not a model");
        Assert.Contains("not a model saved by nli/mt/sweep", CliRunner.AssertFails(1, "export", "--model", stray, "--format", "onnx", "--out", dir.File("x")));
    }
}
