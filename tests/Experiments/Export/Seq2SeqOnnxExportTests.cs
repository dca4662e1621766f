using NativeDsp.Engine;
using NativeDsp.Experiments.Export;
using NativeDsp.Model.Transformer;
using NativeDsp.Tests.Experiments.Data;
using Xunit.Abstractions;

namespace NativeDsp.Tests.Experiments.Export;

/// <summary>
/// A tiny pruned encoder-decoder exported as encoder_model.onnx + decoder_model.onnx and run in ONNX Runtime:
/// the encoder's last hidden state and the decoder step's logits (every position of a teacher-forced prefix,
/// over a padded source) must match NativeDsp's Encode / Decode to 1e-4.
/// </summary>
public sealed class Seq2SeqOnnxExportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Pruned_tiny_seq2seq_encoder_and_decoder_step_match_onnx_runtime(bool preNorm, bool learnedPositions)
    {
        using var device = new Device(TestBackends.Host);
        using var model = new Seq2Seq(device, new Seq2SeqConfig
        {
            EncoderLayers = 2, DecoderLayers = 2, DModel = 16, Heads = 4, Ffn = 24, SourceVocab = 37, TargetVocab = 37,
            SharedEmbeddings = true, MaxPositions = 20, Dropout = 0.1f, Seed = 11, PreNorm = preNorm, LearnedPositions = learnedPositions,
        });
        model.Eval();
        // 24 heads (8 encoder, 8 decoder self, 8 cross): keep 11, none in decoder layer 1's cross attention (heads 20-23).
        int[] keep = [0, 2, 3, 5, 9, 10, 12, 15, 17, 18, 19];
        model.PruneHeads(keep);
        Assert.Equal(keep.Length, model.HeadIndex.Count);

        const int pad = 0, batch = 3, s = 7, t = 5;
        int[] source = [5, 6, 7, 8, 9, 10, 11, /**/ 12, 13, 14, pad, pad, pad, pad, /**/ 15, 16, 17, 18, 19, pad, pad];
        int[] target = [1, 20, 21, 22, 23, /**/ 1, 24, 25, 26, 27, /**/ 1, 28, 29, 30, 31];
        var sourceMask = source.Select(i => i == pad ? 0 : 1).ToArray();

        float[] memory, logits;
        using (device.Scope())
        using (NoGrad.Scope())
        {
            var (ids, mask) = model.SourceTensors(source, batch, s);
            var m = model.Encode(ids, mask);
            memory = m.ToArray();
            logits = model.Decode(model.TargetTensor(target, batch, t), m, mask).ToArray();
        }

        using var dir = new TempDir();
        OnnxSeq2SeqExport.Write(model, dir.Path);
        var onnxMemory = OnnxRuntimeRunner.Run(Path.Combine(dir.Path, OnnxSeq2SeqExport.EncoderFile), "last_hidden_state",
            new Dictionary<string, (Array, int[])> { ["input_ids"] = (source, [batch, s]), ["attention_mask"] = (sourceMask, [batch, s]) });
        var onnxLogits = OnnxRuntimeRunner.Run(Path.Combine(dir.Path, OnnxSeq2SeqExport.DecoderFile), "logits",
            new Dictionary<string, (Array, int[])>
            {
                ["input_ids"] = (target, [batch, t]), ["encoder_hidden_states"] = (memory, [batch, s, 16]), ["encoder_attention_mask"] = (sourceMask, [batch, s]),
            });

        // Padded source positions are computed too (attending to real keys only) and must match as well.
        double encoderDiff = OnnxRuntimeRunner.MaxDiff(memory, onnxMemory), decoderDiff = OnnxRuntimeRunner.MaxDiff(logits, onnxLogits);
        output.WriteLine($"encoder max |diff| {encoderDiff:E2}, decoder step logits max |diff| {decoderDiff:E2} (logits up to {logits.Max(Math.Abs):0.##})");
        // 1e-4: fp32 on both sides, a 2+2-layer model of width 16 (short sums; the error is ~1e-6).
        Assert.True(encoderDiff < 1e-4, $"encoder {encoderDiff:E2}");
        Assert.True(decoderDiff < 1e-4, $"decoder {decoderDiff:E2}");

        // The causal mask is real: changing a later target token leaves the earlier positions' logits unchanged.
        var changed = (int[])target.Clone();
        changed[4] = 33;
        var onnxChanged = OnnxRuntimeRunner.Run(Path.Combine(dir.Path, OnnxSeq2SeqExport.DecoderFile), "logits",
            new Dictionary<string, (Array, int[])>
            {
                ["input_ids"] = (changed, [batch, t]), ["encoder_hidden_states"] = (memory, [batch, s, 16]), ["encoder_attention_mask"] = (sourceMask, [batch, s]),
            });
        int v = 37;
        for (int i = 0; i < 4 * v; i++) Assert.Equal(onnxLogits[i], onnxChanged[i]);
        Assert.NotEqual(onnxLogits.AsSpan(4 * v, v).ToArray(), onnxChanged.AsSpan(4 * v, v).ToArray());
    }
}
