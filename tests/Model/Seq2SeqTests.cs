using NativeDsp.Engine;
using Xunit.Abstractions;
using NativeDsp.Model.Transformer;
using static NativeDsp.Tests.Model.ModelTestKit;

namespace NativeDsp.Tests.Model;

/// <summary>
/// The encoder-decoder on the Host backend: it learns to copy and to reverse sequences (exact match with
/// greedy and beam search), beam search is never worse than greedy on the model's own objective, and
/// cached incremental decoding gives the logits of a full re-run.
/// </summary>
public class Seq2SeqTests(ITestOutputHelper output)
{
    const int Pad = 0, Bos = 1, Eos = 2, FirstSymbol = 3, Vocab = 13;

    static Seq2SeqConfig TaskModel(ulong seed) => new()
    {
        EncoderLayers = 2, DecoderLayers = 2, DModel = 32, Heads = 4, Ffn = 64, SourceVocab = Vocab, TargetVocab = Vocab,
        MaxPositions = 16, Dropout = 0f, PreNorm = true, SharedEmbeddings = true, Seed = seed,
        PadId = Pad, BosId = Bos, EosId = Eos,
    };

    static int[] RandomSequence(System.Random rng) => RandomInts(rng.Next(3, 8), FirstSymbol, Vocab, rng);

    [Theory]
    [InlineData("copy")]
    [InlineData("reverse")]
    public void LearnsTaskToExactMatchWithGreedyAndBeam(string task)
    {
        Func<int[], int[]> target = task == "copy" ? x => x : x => x.Reverse().ToArray();
        using var device = HostDevice();
        using var model = new Seq2Seq(device, TaskModel(seed: 7));
        var rng = new System.Random(task.Length);
        var test = Enumerable.Range(0, 40).Select(_ => RandomSequence(rng)).ToList();
        using var opt = new AdamW(model.Parameters(), 3e-3f, 0f);
        var generator = new SequenceGenerator(model, maxLength: 12, LengthPenalty.Default);

        int steps = 0;
        double greedyMatch = 0;
        while (steps < 1500 && greedyMatch < 1)
        {
            for (int i = 0; i < 100; i++, steps++) TrainStep(model, opt, Enumerable.Range(0, 48).Select(_ => RandomSequence(rng)).ToList(), target);
            greedyMatch = ExactMatch(generator.Greedy(test), test, target);
        }
        output.WriteLine($"{task}: greedy exact match {greedyMatch:P1} after {steps} steps");
        Assert.True(greedyMatch == 1, $"{task}: greedy exact match {greedyMatch:P1} after {steps} steps");
        var beam = generator.Beam(test, beamWidth: 4);
        Assert.Equal(1.0, ExactMatch(beam, test, target));
        AssertBeamAtLeastGreedy(generator, test, beamWidth: 4);
    }

    static void TrainStep(Seq2Seq model, Adam opt, List<int[]> sources, Func<int[], int[]> target)
    {
        int b = sources.Count, s = sources.Max(x => x.Length), t = s + 1;
        var src = new int[b * s];
        var tin = new int[b * t];
        var tout = new int[b * t];
        for (int i = 0; i < b; i++)
        {
            var y = target(sources[i]);
            sources[i].CopyTo(src, i * s);
            tin[i * t] = Bos;
            y.CopyTo(tin, i * t + 1);
            for (int j = y.Length + 1; j < t; j++) tin[i * t + j] = Pad;
            y.CopyTo(tout, i * t);
            tout[i * t + y.Length] = Eos;
            for (int j = y.Length + 1; j < t; j++) tout[i * t + j] = Pad;
        }
        Step(model, opt, () =>
        {
            var (srcT, mask) = model.SourceTensors(src, b, s);
            var logits = model.Forward(srcT, mask, model.TargetTensor(tin, b, t));
            return Ops.CrossEntropy(logits, model.TargetTensor(tout, b, t), ignoreIndex: Pad);
        });
    }

    static double ExactMatch(IReadOnlyList<Hypothesis> hyps, List<int[]> sources, Func<int[], int[]> target) =>
        hyps.Zip(sources).Count(p => p.First.Finished && p.First.Tokens.SequenceEqual(target(p.Second))) / (double)sources.Count;

    /// <summary>
    /// Beam search must score at least as well as greedy search (same objective, same length penalty), and
    /// the scores both report, accumulated step by step through the cache (and the beam's reorders), must
    /// equal a teacher-forced recomputation. 1e-4: a sum of ~8 float32 log-probs of O(1..10) read back per step.
    /// </summary>
    static void AssertBeamAtLeastGreedy(SequenceGenerator generator, List<int[]> sources, int beamWidth)
    {
        var greedy = generator.Greedy(sources);
        var beam = generator.Beam(sources, beamWidth);
        for (int i = 0; i < sources.Count; i++)
        {
            Assert.True(beam[i].Score >= greedy[i].Score - 1e-5,
                $"source {i}: beam score {beam[i].Score} < greedy {greedy[i].Score} ([{string.Join(' ', beam[i].Tokens)}] vs [{string.Join(' ', greedy[i].Tokens)}])");
            foreach (var h in new[] { greedy[i], beam[i] })
            {
                var rescored = generator.Score(sources[i], h.Tokens, h.Finished);
                Assert.True(Math.Abs(rescored.Score - h.Score) <= 1e-4 * Math.Max(1, Math.Abs(h.Score)),
                    $"source {i}: search score {h.Score} vs teacher-forced {rescored.Score}");
            }
        }
    }

    [Theory]
    [InlineData(1, 0f)]
    [InlineData(2, 0.6f)]
    public void BeamNeverScoresBelowGreedyOnRandomModels(ulong seed, float gnmtAlpha)
    {
        using var device = HostDevice();
        using var model = new Seq2Seq(device, TaskModel(seed) with { PreNorm = seed % 2 == 0 });
        var rng = new System.Random((int)seed);
        var sources = Enumerable.Range(0, 12).Select(_ => RandomSequence(rng)).ToList();
        var penalty = gnmtAlpha == 0 ? LengthPenalty.Default : new LengthPenalty(LengthPenaltyKind.Gnmt, gnmtAlpha);
        AssertBeamAtLeastGreedy(new SequenceGenerator(model, maxLength: 10, penalty), sources, beamWidth: 5);
    }

    /// <summary>
    /// Incremental decoding (one new position per step over the key/value cache) against a full teacher-forced
    /// re-run: the same float32 arithmetic except that the attention sums run over the cache in a different
    /// blocking, so ~1e-7 relative; 1e-5 absolute on O(1..10) logits is the requirement.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CachedIncrementalDecodingMatchesFullRerun(bool preNorm)
    {
        using var device = HostDevice();
        using var model = new Seq2Seq(device, TaskModel(3) with { PreNorm = preNorm, SharedEmbeddings = false, TiedOutput = preNorm });
        model.Eval();
        var rng = new System.Random(5);
        const int b = 3, s = 7, t = 6;
        var src = RandomInts(b * s, FirstSymbol, Vocab, rng);
        src[s - 1] = src[s - 2] = Pad;
        src[2 * s - 1] = Pad;
        var tin = RandomInts(b * t, FirstSymbol, Vocab, rng);
        tin[0] = tin[t] = tin[2 * t] = Bos;
        using var noGrad = NoGrad.Scope();
        using var scope = device.Scope();
        var (srcT, mask) = model.SourceTensors(src, b, s);
        var full = model.Forward(srcT, mask, model.TargetTensor(tin, b, t)).ToArray();

        using var state = model.StartDecoding(srcT, mask);
        for (int step = 0; step < t; step++)
        {
            var column = Enumerable.Range(0, b).Select(r => tin[r * t + step]).ToArray();
            var stepLogits = model.Decode(model.TargetTensor(column, b, 1), null, null, null, state).ToArray();
            var expected = Enumerable.Range(0, b).SelectMany(r => full.Skip((r * t + step) * Vocab).Take(Vocab)).ToArray();
            AssertClose(expected, stepLogits, 1e-5, $"step {step}");
            Assert.Equal(step + 1, state.Layers[0].Self.Length);
        }
    }

    /// <summary>Caches hold kept tensors outside the tape: decoding and training steps must give every buffer back.</summary>
    [Fact]
    public void DecodingAndTrainingFreeEveryBuffer()
    {
        using var device = HostDevice();
        using var model = new Seq2Seq(device, TaskModel(4));
        using var opt = new AdamW(model.Parameters(), 1e-3f, 0f);
        var rng = new System.Random(8);
        var sources = Enumerable.Range(0, 5).Select(_ => RandomSequence(rng)).ToList();
        var generator = new SequenceGenerator(model, maxLength: 6, LengthPenalty.Default);
        TrainStep(model, opt, sources, x => x); // allocates gradients and optimizer moments once
        generator.Beam(sources, 3);
        long before = device.LiveBuffers;
        for (int i = 0; i < 3; i++)
        {
            TrainStep(model, opt, sources, x => x);
            generator.Greedy(sources);
            generator.Beam(sources, 3);
        }
        Assert.Equal(before, device.LiveBuffers);
        Assert.Equal(0, device.Tape.NodeCount);
    }

    [Fact]
    public void SharedAndTiedEmbeddingsHaveOneTable()
    {
        using var device = HostDevice();
        using var shared = new Seq2Seq(device, TaskModel(1));
        using var separate = new Seq2Seq(device, TaskModel(1) with { SharedEmbeddings = false, TiedOutput = false });
        var sharedNames = shared.NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("encoder_embed_tokens.weight", sharedNames);
        Assert.DoesNotContain("decoder_embed_tokens.weight", sharedNames);
        Assert.DoesNotContain("output_projection.weight", sharedNames);
        Assert.Contains("decoder.layers.1.encoder_attn.k_proj.weight", sharedNames);
        var separateNames = separate.NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("decoder_embed_tokens.weight", separateNames);
        Assert.Contains("output_projection.weight", separateNames);
        Assert.Equal(shared.ParameterCount + 2 * Vocab * 32, separate.ParameterCount);
    }
}
