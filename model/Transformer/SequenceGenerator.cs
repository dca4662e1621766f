using NativeDsp.Engine;

namespace NativeDsp.Model.Transformer;

/// <summary>
/// Greedy and beam-search decoding of a <see cref="Seq2Seq"/> with a key/value cache: the source is encoded
/// once, and each new target token costs one decoder step of one query per row against the cached keys
/// and values (no re-run of the prefix). Runs without gradients, with the model in evaluation mode; each
/// step's temporaries are freed by its own tape scope. Both searches maximise the same objective,
/// <see cref="LengthPenalty"/>.Normalise(log P(tokens [+ EOS] | source), length), which
/// <see cref="Score"/> recomputes teacher-forced.
/// </summary>
public sealed partial class SequenceGenerator(Seq2Seq model, int maxLength, LengthPenalty lengthPenalty, Tensor? headGate = null)
{
    /// <summary>The model decoded.</summary>
    public Seq2Seq Model { get; } = model;
    /// <summary>The most target tokens generated per hypothesis (EOS included).</summary>
    /// <exception cref="ArgumentOutOfRangeException">At construction: maxLength is below 1.</exception>
    public int MaxLength { get; } = maxLength >= 1 ? maxLength : throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "decoding: the maximum length must be >= 1");
    /// <summary>The length normalisation both searches maximise.</summary>
    public LengthPenalty LengthPenalty { get; } = lengthPenalty;
    int Vocab => Model.Config.TargetVocab;
    int Eos => Model.Config.EosId;

    /// <summary>Greedy decoding: the most probable next token each step, until EOS or the maximum length.</summary>
    public IReadOnlyList<Hypothesis> Greedy(IReadOnlyList<int[]> sources)
    {
        int n = sources.Count;
        var tokens = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        var logProb = new double[n];
        var finished = new bool[n];
        var last = Enumerable.Repeat(Model.Config.BosId, n).ToArray();
        using var mode = new EvalMode(Model);
        using var state = Start(sources);
        for (int step = 0; step < MaxLength && !finished.All(f => f); step++)
        {
            var lp = StepLogProbs(state, last);
            for (int r = 0; r < n; r++)
            {
                if (finished[r]) continue;
                int best = ArgMax(lp.AsSpan(r * Vocab, Vocab));
                logProb[r] += lp[r * Vocab + best];
                last[r] = best;
                if (best == Eos) finished[r] = true;
                else tokens[r].Add(best);
            }
        }
        return Enumerable.Range(0, n).Select(r => Make(tokens[r].ToArray(), logProb[r], finished[r])).ToList();
    }

    /// <summary>
    /// The objective of a given target under the model, teacher-forced in one full forward pass (no cache):
    /// log P(tokens, then EOS when <paramref name="finished"/>), length-normalised.
    /// </summary>
    public Hypothesis Score(int[] source, int[] tokens, bool finished)
    {
        using var mode = new EvalMode(Model);
        using var noGrad = NoGrad.Scope();
        using var scope = Model.Device.Scope();
        var targets = finished ? [.. tokens, Eos] : tokens;
        if (targets.Length == 0) return Make(tokens, 0, finished);
        var input = new[] { Model.Config.BosId }.Concat(targets[..^1]).ToArray();
        var (src, mask) = Model.SourceTensors(source, 1, source.Length);
        var logits = Model.Forward(src, mask, Model.TargetTensor(input, 1, input.Length), headGate);
        var lp = Ops.LogSoftmax(logits).ToArray();
        double sum = 0;
        for (int t = 0; t < targets.Length; t++) sum += lp[t * Vocab + targets[t]];
        return Make(tokens, sum, finished);
    }

    Hypothesis Make(int[] tokens, double logProb, bool finished)
    {
        int length = tokens.Length + (finished ? 1 : 0);
        return new Hypothesis(tokens, logProb, length, finished, LengthPenalty.Normalise(logProb, length));
    }

    /// <summary>Pads the sources into one batch and encodes it.</summary>
    IncrementalState Start(IReadOnlyList<int[]> sources)
    {
        if (sources.Count == 0) throw new ArgumentException("decoding: no source sentences");
        int b = sources.Count, s = Math.Max(1, sources.Max(x => x.Length));
        var ids = new int[b * s];
        Array.Fill(ids, Model.Config.PadId);
        for (int i = 0; i < b; i++) sources[i].CopyTo(ids, i * s);
        using var scope = Model.Device.Scope();
        var (src, mask) = Model.SourceTensors(ids, b, s);
        return Model.StartDecoding(src, mask, headGate);
    }

    /// <summary>One decoder step: feeds each row's last token, returns log-probabilities [rows * vocab].</summary>
    float[] StepLogProbs(IncrementalState state, int[] last)
    {
        using var noGrad = NoGrad.Scope();
        using var scope = Model.Device.Scope();
        var logits = Model.Decode(Model.TargetTensor(last, last.Length, 1), null, null, headGate, state);
        return Ops.LogSoftmax(logits).ToArray();
    }

    static int ArgMax(ReadOnlySpan<float> x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++)
            if (x[i] > x[best]) best = i;
        return best;
    }

    /// <summary>Puts the model in evaluation mode for the search and restores its mode afterwards.</summary>
    readonly struct EvalMode : IDisposable
    {
        readonly Module model;
        readonly bool wasTraining;

        public EvalMode(Module model)
        {
            this.model = model;
            wasTraining = model.Training;
            model.Eval();
        }

        public void Dispose() => model.Train(wasTraining);
    }
}
