using NativeDsp.Engine;
using NativeDsp.Kernels;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Transformer;
using Xunit.Abstractions;

namespace NativeDsp.Tests.Model;

/// <summary>
/// Whole-model gradient checks in the spirit of llm.c's test_gpt2.c: a tiny NLI classifier and a tiny
/// seq2seq, each under a DSP Gumbel-soft-top-K head gate, get the tape gradient of every parameter (model
/// and the pruner's head logits) compared with central differences of the loss; and a fixed-seed training
/// run's first losses are pinned to values recorded once. Both run on Host and on ILGPU's CPU accelerator.
/// </summary>
/// <remarks>
/// Numerics of the central difference (L(t + h) - L(t - h)) / 2h:
/// - L is recomputed on the host in double from the float32 logits (log-sum-exp and the mean in double), so
///   the only float32 rounding left in L is the forward pass's: a relative ~1e-7..1e-6 of the O(1) logits,
///   i.e. |dL| noise of at most ~1e-6. Divided by 2h = 2e-2 that is ~5e-5.
/// - h = 1e-2: the truncation error is h^2/6 |L'''| ~ 2e-5 |L'''|, and |L'''| is O(1) for these smooth
///   models (GELU, not ReLU, whose kink a +-h step could cross; temperature 0.5, not near-hard). A smaller h
///   would let the rounding term grow as 1/h; a larger one the truncation term as h^2.
/// - Tolerance per element: |numeric - tape| &lt;= 5e-4 + 2e-2 |tape|, i.e. ~10x the two error terms above;
///   and per tensor the norm of the difference &lt;= 2e-2 of the tape gradient's norm (+5e-4), so small
///   elements cannot hide a systematically wrong tensor. A wrong backward (missing term, wrong transpose,
///   wrong factor) is off by the size of the gradient itself and fails both.
/// Every element is checked on Host. ILGPU's CPU accelerator is too slow per kernel launch for ~3000 forward
/// passes, so there the tape gradient of every element is compared with Host's (same weights: initialisers
/// are Philox draws, identical on both backends), and the ILGPU forward pass is checked against its own
/// gradient by central differences along three whole-model directions (<see cref="CheckDirectionalDerivatives"/>).
/// </remarks>
public sealed class WholeModelGradientTests(ITestOutputHelper output)
{
    const double H = 1e-2, AbsTol = 5e-4, RelTol = 2e-2;
    const int Pad = 0;

    /// <summary>A model, its DSP pruner and a fixed batch: the loss on the tape, and the same loss in double.</summary>
    sealed class Case : IDisposable
    {
        public required Device Device { get; init; }
        public required Module Model { get; init; }
        public required DspPruner Pruner { get; init; }
        /// <summary>The logits and the target ids (ignored: Pad in seq2seq) of the batch under <paramref name="gate"/>.</summary>
        public required Func<Tensor?, (Tensor Logits, IntTensor Targets)> Forward { get; init; }
        public int IgnoreIndex { get; init; } = -100;

        public IEnumerable<(string Name, Parameter Parameter)> Parameters =>
            Model.NamedParameters().Select(p => ("model." + p.Name, p.Parameter)).Append(("pruner.logits", Pruner.Logits));

        // Step 3 of DSP's schedule: fixed Gumbel noise of that step, temperature ~0.5 (smooth, not near-hard).
        Tensor Gate() => Pruner.Mask(3, training: true);

        public Tensor TapeLoss()
        {
            var (logits, targets) = Forward(Gate());
            return Ops.CrossEntropy(logits, targets, IgnoreIndex);
        }

        /// <summary>The mean cross-entropy over non-ignored rows, from the float32 logits, in double.</summary>
        public double DoubleLoss()
        {
            using var scope = Device.Scope();
            using var noGrad = NoGrad.Scope();
            var (logitsT, targetsT) = Forward(Gate());
            var logits = logitsT.ToArray();
            var targets = targetsT.ToArray();
            int classes = logitsT.Shape[logitsT.Shape.Rank - 1];
            double sum = 0;
            int rows = 0;
            for (int r = 0; r < targets.Length; r++)
            {
                if (targets[r] == IgnoreIndex) continue;
                double max = double.NegativeInfinity;
                for (int c = 0; c < classes; c++) max = Math.Max(max, logits[r * classes + c]);
                double z = 0;
                for (int c = 0; c < classes; c++) z += Math.Exp(logits[r * classes + c] - max);
                sum += max + Math.Log(z) - logits[r * classes + targets[r]];
                rows++;
            }
            return sum / rows;
        }

        public void Dispose()
        {
            Pruner.Dispose();
            Model.Dispose();
        }
    }

    static Case Nli(Device device, float dropout = 0f)
    {
        var model = new NliClassifier(device, new NliClassifierConfig
        {
            Layers = 2, DModel = 8, Heads = 2, Ffn = 16, Vocab = 11, MaxPositions = 6, Classes = 3, Dropout = dropout,
            Activation = Activation.Gelu, Seed = 5, PadId = Pad, LayerNormEps = 1e-5f,
        });
        var pruner = new DspPruner(device, model.HeadIndex, HeadBudget.Global(2),
                                   new DspOptions { Temperature = new TemperatureSchedule(1, 0.01, 30), Seed = 9 });
        // Two pairs, the second padded: the key mask and the segment embedding are on the path.
        int[] ids = [1, 4, 7, 2, 9, 3, 1, 5, 2, 6, 0, 0];
        int[] segments = [0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0];
        int[] labels = [2, 0];
        return new Case
        {
            Device = device, Model = model, Pruner = pruner,
            Forward = gate => (model.Forward(ids, segments, 2, 6, gate), device.Tape.Own(IntTensor.FromArray(device, labels, 2))),
        };
    }

    static Case Seq2SeqCase(Device device)
    {
        var model = new Seq2Seq(device, new Seq2SeqConfig
        {
            EncoderLayers = 1, DecoderLayers = 1, DModel = 8, Heads = 2, Ffn = 16, SourceVocab = 9, TargetVocab = 9, MaxPositions = 8,
            Dropout = 0f, Activation = Activation.Gelu, PreNorm = true, SharedEmbeddings = true, Seed = 3, PadId = Pad, BosId = 1, EosId = 2,
        });
        var pruner = new DspPruner(device, model.HeadIndex, HeadBudget.Global(3),
                                   new DspOptions { Temperature = new TemperatureSchedule(1, 0.01, 30), Seed = 4 });
        int[] src = [3, 4, 5, 6, 7, 8, 0, 0];
        int[] tin = [1, 6, 5, 4, 3, 1, 8, 7, 0, 0];
        int[] tout = [6, 5, 4, 3, 2, 8, 7, 2, 0, 0];
        return new Case
        {
            Device = device, Model = model, Pruner = pruner, IgnoreIndex = Pad,
            Forward = gate =>
            {
                var (s, mask) = model.SourceTensors(src, 2, 4);
                return (model.Forward(s, mask, model.TargetTensor(tin, 2, 5), gate), model.TargetTensor(tout, 2, 5));
            },
        };
    }

    /// <summary>Tape gradients of every parameter, copied to the host.</summary>
    static Dictionary<string, float[]> TapeGradients(Case c)
    {
        foreach (var (_, p) in c.Parameters) p.ZeroGrad();
        using (c.Device.Scope()) c.TapeLoss().Backward();
        return c.Parameters.ToDictionary(p => p.Name, p => p.Parameter.Grad!.ToArray());
    }

    public static TheoryData<string, string> Cases => new()
    {
        { "host", "nli" }, { "host", "seq2seq" }, { "ilgpu-cpu", "nli" }, { "ilgpu-cpu", "seq2seq" },
    };

    [Theory, MemberData(nameof(Cases))]
    public void TapeGradientOfEveryParameterMatchesCentralDifferences(string backend, string model)
    {
        using var device = new Device(TestBackends.Get(backend));
        using var c = model == "nli" ? Nli(device) : Seq2SeqCase(device);
        var tape = TapeGradients(c);
        bool onIlgpu = backend != "host";
        if (onIlgpu)
        {
            // Every element against Host's tape gradient of the same weights (1e-4 relative to the tensor's
            // largest element: float32 sums in another order, nothing more).
            using var hostDevice = new Device(TestBackends.Host);
            using var twin = model == "nli" ? Nli(hostDevice) : Seq2SeqCase(hostDevice);
            var host = TapeGradients(twin);
            foreach (var (name, g) in tape)
            {
                double scale = Math.Max(1e-3, host[name].Max(Math.Abs));
                for (int j = 0; j < g.Length; j++)
                    Assert.True(Math.Abs(g[j] - host[name][j]) <= 1e-4 * scale, $"{backend} {model} {name}[{j}]: tape {g[j]:G6}, Host tape {host[name][j]:G6}");
            }
        }

        if (onIlgpu) CheckDirectionalDerivatives(c, tape, backend, model);
        else CheckEveryElement(c, tape, backend, model);
    }

    /// <summary>Host: every element of every parameter against its own central difference.</summary>
    void CheckEveryElement(Case c, Dictionary<string, float[]> tape, string backend, string model)
    {
        int checkedElements = 0;
        double worstRatio = 0;
        string worst = "";
        foreach (var (name, p) in c.Parameters)
        {
            var g = tape[name];
            Assert.True(g.Any(v => v != 0f), $"{model} {name}: the tape gradient is all zero, the parameter is not on the loss's path");
            var values = p.ToArray();
            double diffSq = 0, normSq = 0;
            for (int j = 0; j < g.Length; j++)
            {
                float saved = values[j];
                float plus = (float)(saved + H), minus = (float)(saved - H);
                values[j] = plus;
                p.CopyFrom(values);
                double lossPlus = c.DoubleLoss();
                values[j] = minus;
                p.CopyFrom(values);
                double lossMinus = c.DoubleLoss();
                values[j] = saved;
                p.CopyFrom(values);
                // The perturbed values are float32: divide by the step actually taken.
                double numeric = (lossPlus - lossMinus) / ((double)plus - minus);
                double err = Math.Abs(numeric - g[j]);
                double allowed = AbsTol + RelTol * Math.Abs(g[j]);
                Assert.True(err <= allowed, $"{backend} {model} {name}[{j}]: tape {g[j]:G6}, central difference {numeric:G6} (error {err:G3} > {allowed:G3})");
                if (err / allowed > worstRatio) (worstRatio, worst) = (err / allowed, $"{name}[{j}] tape {g[j]:G4} numeric {numeric:G4}");
                diffSq += (numeric - g[j]) * (numeric - g[j]);
                normSq += (double)g[j] * g[j];
                checkedElements++;
            }
            Assert.True(Math.Sqrt(diffSq) <= AbsTol + RelTol * Math.Sqrt(normSq),
                $"{backend} {model} {name}: |numeric - tape| = {Math.Sqrt(diffSq):G3} against |tape| = {Math.Sqrt(normSq):G3}");
        }
        output.WriteLine($"{backend} {model}: {c.Parameters.Count()} parameter tensors, {checkedElements} elements checked; worst error/allowed {worstRatio:F3} at {worst}");
    }

    /// <summary>
    /// ILGPU: the backend's own forward pass against its own tape gradient along whole-model directions
    /// (every parameter moved at once): the gradient direction and two random unit directions d, comparing
    /// (L(t + h d) - L(t - h d)) / 2h with g . d. With |d| = 1 the step is h in norm, so the error terms of the
    /// per-element check hold unchanged. Along the gradient g . d = |g| (0.4..1.6 here), far above the absolute
    /// 5e-4; a random d gives g . d of order |g| / sqrt(n), which can fall near or below it (then that direction
    /// checks little), so the gradient direction is always among the three.
    /// </summary>
    void CheckDirectionalDerivatives(Case c, Dictionary<string, float[]> tape, string backend, string model)
    {
        var parameters = c.Parameters.ToList();
        var start = parameters.ToDictionary(p => p.Name, p => p.Parameter.ToArray());
        double gradNorm = Math.Sqrt(tape.Values.Sum(g => g.Sum(v => (double)v * v)));
        var rng = new System.Random(23);
        var directions = new List<(string Label, Dictionary<string, double[]> D)>
        {
            ("gradient", tape.ToDictionary(kv => kv.Key, kv => kv.Value.Select(v => v / gradNorm).ToArray())),
        };
        for (int r = 0; r < 2; r++)
        {
            var d = tape.ToDictionary(kv => kv.Key, kv => kv.Value.Select(_ => Normal(rng)).ToArray());
            double norm = Math.Sqrt(d.Values.Sum(x => x.Sum(v => v * v)));
            foreach (var x in d.Values) for (int i = 0; i < x.Length; i++) x[i] /= norm;
            directions.Add(($"random {r + 1}", d));
        }
        foreach (var (label, d) in directions)
        {
            double Loss(double sign)
            {
                foreach (var (name, p) in parameters)
                    p.CopyFrom(start[name].Select((v, i) => (float)(v + sign * H * d[name][i])).ToArray());
                return c.DoubleLoss();
            }
            double numeric = (Loss(+1) - Loss(-1)) / (2 * H);
            double analytic = tape.Sum(kv => kv.Value.Select((g, i) => g * d[kv.Key][i]).Sum());
            double err = Math.Abs(numeric - analytic), allowed = AbsTol + RelTol * Math.Abs(analytic);
            output.WriteLine($"{backend} {model} along {label}: tape {analytic:G6}, central difference {numeric:G6}");
            Assert.True(err <= allowed, $"{backend} {model} along the {label} direction: tape g.d {analytic:G6}, central difference {numeric:G6} (error {err:G3} > {allowed:G3})");
        }
        foreach (var (name, p) in parameters) p.CopyFrom(start[name]);
    }

    static double Normal(System.Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>
    /// The first losses of a fixed-seed joint DSP run (dropout on, so the dropout stream is on the path; AdamW
    /// on the model and the head logits; one batch repeated), pinned to values recorded once on Host.
    /// Tolerance: Host 2e-5 absolute (a machine with another SIMD width sums in another order: float32
    /// rounding of O(1) losses, growing slowly over 8 Adam steps); ILGPU 2e-4 (another summation order in
    /// every reduction, compounded through the updates). A changed op, initialiser, RNG stream or optimizer
    /// moves these losses by 1e-3 or more.
    /// </summary>
    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void FixedSeedLossCurveIsPinned(string backend)
    {
        double[] expected = [1.0992074012756348, 1.0946661233901978, 1.0908970832824707, 1.0857619047164917, 1.081162691116333, 1.0753496885299683, 1.075600028038025, 1.0663025379180908];
        double tolerance = backend == "host" ? 2e-5 : 2e-4;
        using var device = new Device(TestBackends.Get(backend));
        using var c = Nli(device, dropout: 0.1f);
        using var optimizer = new AdamW([new ParameterGroup(c.Model.Parameters(), 3e-3f, 0.01f, name: "model"), c.Pruner.ParameterGroup]);
        var losses = new List<double>();
        for (int step = 1; step <= expected.Length; step++)
        {
            using var scope = device.Scope();
            var (logits, targets) = c.Forward(c.Pruner.Mask(step, training: true));
            var loss = Ops.CrossEntropy(logits, targets);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            losses.Add(loss.Item());
        }
        output.WriteLine($"{backend}: {string.Join(", ", losses.Select(l => l.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(losses[i] - expected[i]) <= tolerance, $"{backend} step {i + 1}: loss {losses[i]:R}, pinned {expected[i]:R} (tolerance {tolerance:G2})");
    }
}
