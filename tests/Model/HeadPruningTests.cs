using NativeDsp.Engine;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Transformer;
using static NativeDsp.Tests.Model.ModelTestKit;

namespace NativeDsp.Tests.Model;

/// <summary>
/// The global head index and physical head removal: a pruned model must compute what the unpruned model
/// computes with gate 0 on the removed heads and 1 elsewhere, for encoder self, decoder self and cross
/// attention; and dL/dgate must match finite differences.
/// </summary>
public class HeadPruningTests
{
    /// <summary>
    /// Masked and pruned models do the same arithmetic except that the projections sum over fewer (exactly
    /// zero) terms, so only float32 summation order differs: ~1e-7 relative per op over a few layers of O(1)
    /// activations. 1e-5 absolute is the requirement and leaves ~10x headroom; a wrong head slice gives O(0.1).
    /// </summary>
    const double Tolerance = 1e-5;

    static Seq2SeqConfig Tiny(ulong seed) => new()
    {
        EncoderLayers = 2, DecoderLayers = 2, DModel = 24, Heads = 4, Ffn = 32, SourceVocab = 17, TargetVocab = 17,
        MaxPositions = 16, Dropout = 0f, Seed = seed, PreNorm = seed % 2 == 0,
    };

    [Fact]
    public void IndexOrdersEncoderSelfThenDecoderSelfThenCross()
    {
        using var device = HostDevice();
        using var model = new Seq2Seq(device, Tiny(1));
        var index = model.HeadIndex;
        Assert.Equal(24, index.Count);
        Assert.Equal(new[] { "encoder.layers.0.self_attn", "encoder.layers.1.self_attn", "decoder.layers.0.self_attn",
                             "decoder.layers.1.self_attn", "decoder.layers.0.encoder_attn", "decoder.layers.1.encoder_attn" },
                     index.Groups.Select(g => g.Name));
        Assert.Equal(new[] { 0, 4, 8, 12, 16, 20 }, index.Groups.Select(g => g.Offset));
        Assert.Equal((AttentionKind.DecoderCross, 1, 2), (index.Locate(22).Group.Kind, index.Locate(22).Group.Layer, index.Locate(22).Local));
        Assert.Equal("decoder.layers.1.encoder_attn head 2", index.Describe(22));
        Assert.Equal(20, model.Decoder.Layers[1].CrossAttention.HeadOffset);
    }

    public static TheoryData<string> Kinds => new() { "encoder-self", "decoder-self", "cross", "all" };

    [Theory, MemberData(nameof(Kinds))]
    public void PrunedSeq2SeqEqualsMaskedModel(string kind)
    {
        using var device = HostDevice();
        for (ulong seed = 1; seed <= 2; seed++)
        {
            using var model = new Seq2Seq(device, Tiny(seed));
            model.Eval();
            var rng = new System.Random((int)seed);
            var keep = new List<int>();
            foreach (var g in model.HeadIndex.Groups)
            {
                bool prunable = kind == "all" || (kind, g.Kind) is ("encoder-self", AttentionKind.EncoderSelf)
                    or ("decoder-self", AttentionKind.DecoderSelf) or ("cross", AttentionKind.DecoderCross);
                // Layer 0 keeps a random non-empty subset, layer 1 loses every head (the module then outputs its bias).
                for (int h = 0; h < g.Count; h++)
                    if (!prunable || (g.Layer == 0 && (h == 0 || rng.Next(2) == 0))) keep.Add(g.Global(h));
            }
            const int b = 3, s = 6, t = 5;
            var src = RandomInts(b * s, 3, 17, rng);
            src[s - 1] = src[s - 2] = 0; // padding in the first sentence
            var tgt = RandomInts(b * t, 3, 17, rng);

            var maskValues = model.HeadIndex.MaskKeeping(keep);
            using var gate = model.HeadIndex.GateTensor(device, maskValues);
            float[] masked = Logits(model, src, tgt, gate);
            long before = model.ParameterCount;
            model.PruneHeads(keep);
            Assert.Equal(keep.Count, model.HeadIndex.Count);
            Assert.True(model.ParameterCount < before);
            float[] pruned = Logits(model, src, tgt, null);
            AssertClose(masked, pruned, Tolerance, $"{kind} seed {seed}");
            // The rebuilt index maps the survivors back to their original ids.
            Assert.Equal(keep.OrderBy(x => x), Enumerable.Range(0, model.HeadIndex.Count).Select(model.HeadIndex.OriginalId));
        }
    }

    static float[] Logits(Seq2Seq model, int[] src, int[] tgt, Tensor? gate)
    {
        using var noGrad = NoGrad.Scope();
        using var scope = model.Device.Scope();
        int b = 3;
        var (s, mask) = model.SourceTensors(src, b, src.Length / b);
        return model.Forward(s, mask, model.TargetTensor(tgt, b, tgt.Length / b), gate).ToArray();
    }

    [Fact]
    public void PrunedClassifierEqualsMaskedModel()
    {
        using var device = HostDevice();
        using var model = new NliClassifier(device, new NliClassifierConfig
        {
            Layers = 3, DModel = 32, Heads = 4, Ffn = 48, Vocab = 30, MaxPositions = 16, Dropout = 0f, Seed = 9,
        });
        model.Eval();
        var rng = new System.Random(4);
        var ids = RandomInts(4 * 9, 3, 30, rng);
        ids[8] = ids[7] = 0;
        var seg = ids.Select((_, i) => i % 9 >= 4 ? 1 : 0).ToArray();
        int[] keep = [1, 2, 4, 5, 6, 7]; // layer 0 keeps two heads, layer 1 all, layer 2 none
        using var gate = model.HeadIndex.GateTensor(device, model.HeadIndex.MaskKeeping(keep));
        float[] Run(Tensor? g)
        {
            using var noGrad = NoGrad.Scope();
            using var scope = device.Scope();
            return model.Forward(ids, seg, 4, 9, g).ToArray();
        }
        var masked = Run(gate);
        model.PruneHeads(keep);
        Assert.Equal(new[] { 2, 4, 0 }, Enumerable.Range(0, 3).Select(l => model.Encoder.Layers[l].SelfAttention.Heads));
        Assert.Equal(new[] { 1, 2 }, model.Encoder.Layers[0].SelfAttention.KeptHeads);
        Assert.Equal(new[] { 16, 32 }, model.Encoder.Layers[0].SelfAttention.QProj.Weight.Shape.ToArray());
        Assert.Equal(new[] { 32, 16 }, model.Encoder.Layers[0].SelfAttention.OutProj.Weight.Shape.ToArray());
        AssertClose(masked, Run(null), Tolerance, "classifier");
    }

    /// <summary>
    /// dL/dgate from the fused attention backward, through every attention kind of a tiny seq2seq, against
    /// central differences of the float32 loss. With h = 1e-2 the truncation error is O(h^2 L''') ~ 1e-4 and
    /// the rounding error ~ 1e-7 |L| / h ~ 1e-5; 2e-3 + 2% relative covers both, while a gradient that
    /// missed a module, a slice offset or the gate factor is off by O(|g|).
    /// </summary>
    [Fact]
    public void GateGradientMatchesFiniteDifferences()
    {
        using var device = HostDevice();
        using var model = new Seq2Seq(device, Tiny(3) with { EncoderLayers = 1, DecoderLayers = 1, DModel = 8, Heads = 2, Ffn = 12, PreNorm = false });
        model.Eval();
        var rng = new System.Random(11);
        const int b = 2, s = 5, t = 4;
        var src = RandomInts(b * s, 3, 17, rng);
        src[s - 1] = 0;
        var tgtIn = RandomInts(b * t, 3, 17, rng);
        var tgtOut = RandomInts(b * t, 3, 17, rng);
        var gateValues = RandomFloats(model.HeadIndex.Count, 12).Select(x => 0.5f + 0.4f * x).ToArray();
        gateValues[1] = 0f; // a closed gate still gets its gradient (the kernel's dGate uses the recomputed P)

        float Loss(float[] g, bool backward, out float[]? grad)
        {
            using var gate = Tensor.FromArray(device, g, g.Length);
            gate.RequiresGrad = backward;
            using var scope = device.Scope();
            var (srcT, mask) = model.SourceTensors(src, b, s);
            var logits = model.Forward(srcT, mask, model.TargetTensor(tgtIn, b, t), gate);
            var loss = Ops.CrossEntropy(logits, device.Tape.Own(IntTensor.FromArray(device, tgtOut, b, t)));
            grad = null;
            if (backward)
            {
                loss.Backward();
                grad = gate.Grad!.ToArray();
            }
            return loss.Item();
        }

        Loss(gateValues, true, out var analytic);
        const float h = 1e-2f;
        for (int i = 0; i < gateValues.Length; i++)
        {
            var plus = (float[])gateValues.Clone();
            var minus = (float[])gateValues.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (Loss(plus, false, out _) - Loss(minus, false, out _)) / (2 * h);
            Assert.True(Math.Abs(fd - analytic![i]) <= 2e-3 + 0.02 * Math.Abs(fd),
                $"head {i} ({model.HeadIndex.Describe(i)}): analytic {analytic[i]}, finite difference {fd}");
        }
        Assert.Contains(analytic!, g => Math.Abs(g) > 1e-3); // not a vacuous comparison of zeros
    }
}
