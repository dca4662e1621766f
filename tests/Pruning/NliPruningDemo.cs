using System.Diagnostics;
using NativeDsp.Engine;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Nli;
using NativeDsp.Experiments.Tokenization;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Training;
using NativeDsp.Model.Transformer;
using Xunit.Abstractions;
using NativeDsp.Experiments.Pruning;

namespace NativeDsp.Tests.Pruning;

/// <summary>Runs only when NATIVEDSP_PRUNING_DEMO=1: a demonstration that takes minutes, not a unit test.</summary>
public sealed class DemoFactAttribute : FactAttribute
{
    public DemoFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NATIVEDSP_PRUNING_DEMO") != "1") Skip = "set NATIVEDSP_PRUNING_DEMO=1 to run the NLI pruning demonstration";
    }
}

/// <summary>
/// Every method at K = 25% of the heads of a small NLI classifier on the committed lexical NLI set
/// (experiments/data/nli; generated from Brown + WordNet, NOT MNLI), joint and pipelined. Sizes come from
/// the environment: NATIVEDSP_DEMO_TRAIN (training pairs, default 8000), NATIVEDSP_DEMO_STEPS (default 400).
/// Results go to the test output and to NATIVEDSP_DEMO_OUT (default $TMPDIR/nativedsp-pruning-demo).
/// </summary>
public class NliPruningDemo(ITestOutputHelper output)
{
    sealed record Pair(int[] Ids, int[] Segments, int Label);

    static int Env(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out int v) ? v : fallback;

    [DemoFact]
    public void EveryMethodAtAQuarterOfTheHeads()
    {
        int trainCount = Env("NATIVEDSP_DEMO_TRAIN", 8000), steps = Env("NATIVEDSP_DEMO_STEPS", 400);
        string outDir = Environment.GetEnvironmentVariable("NATIVEDSP_DEMO_OUT") ?? Path.Combine(Path.GetTempPath(), "nativedsp-pruning-demo");
        Directory.CreateDirectory(outDir);
        var log = new List<string>();
        void Say(string line)
        {
            output.WriteLine(line);
            log.Add(line);
            File.WriteAllLines(Path.Combine(outDir, "results.txt"), log);
        }

        string nli = DataPaths.NliDir();
        var tokenizer = WordPieceSubwordTokenizer.Load(Path.Combine(nli, "wordpiece.vocab.txt"));
        const int maxLength = 64;
        List<Pair> Load(string file, int count)
        {
            var examples = NliReader.Read(Path.Combine(nli, file), new BadLineLog(BadLinePolicy.Skip)).Examples.Take(count);
            return examples.Select(e =>
            {
                var (ids, seg, _) = NliInput.Pack([(tokenizer.Encode(e.Premise).ToArray(), tokenizer.Encode(e.Hypothesis).ToArray())],
                                               tokenizer.ClassificationId, tokenizer.SeparatorId, tokenizer.PadId, maxLength);
                return new Pair(ids, seg, (int)e.Label);
            }).ToList();
        }
        var train = Load("lexnli.train.tsv.gz", trainCount);
        var valid = Load("lexnli.valid.tsv.gz", 1000);
        Say($"lexical NLI (not MNLI): {train.Count} training pairs, {valid.Count} validation pairs, {steps} steps, vocab {tokenizer.VocabularySize}");

        using var device = new Device(TestBackends.Host);
        var config = new NliClassifierConfig
        {
            Layers = 2, DModel = 64, Heads = 8, Ffn = 128, Vocab = tokenizer.VocabularySize, MaxPositions = maxLength, Dropout = 0.1f,
            Seed = 1, PadId = tokenizer.PadId,
        };
        int k = config.TotalHeads / 4;

        (int[] Ids, int[] Segments, int Length) Batch(IReadOnlyList<Pair> batch)
        {
            int length = batch.Max(p => p.Ids.Length);
            var ids = new int[batch.Count * length];
            var seg = new int[batch.Count * length];
            Array.Fill(ids, tokenizer.PadId);
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Ids.CopyTo(ids, i * length);
                batch[i].Segments.CopyTo(seg, i * length);
            }
            return (ids, seg, length);
        }

        PruningTask<Pair> Task(NliClassifier model) => new()
        {
            Model = model,
            Train = train,
            Loss = (batch, gate) =>
            {
                var (ids, seg, length) = Batch(batch);
                var labels = device.Tape.Own(IntTensor.FromArray(device, batch.Select(p => p.Label).ToArray(), batch.Count));
                return new BatchLoss(Ops.CrossEntropy(model.Forward(ids, seg, batch.Count, length, gate), labels), ids.Length);
            },
            Evaluate = gate =>
            {
                int right = 0;
                long tokens = 0;
                foreach (var chunk in valid.Chunk(100))
                {
                    using var scope = device.Scope();
                    var (ids, seg, length) = Batch(chunk);
                    tokens += chunk.Sum(p => p.Ids.Length);
                    var logits = model.Forward(ids, seg, chunk.Length, length, gate).ToArray();
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        var row = logits.AsSpan(i * 3, 3);
                        int best = row[1] > row[0] ? 1 : 0;
                        if (row[2] > row[best]) best = 2;
                        if (best == chunk[i].Label) right++;
                    }
                }
                return (right / (double)valid.Count, tokens);
            },
        };

        var baseOptions = new PruningRunOptions { BatchSize = 32, ModelLearningRate = 1e-3f, DataSeed = 2, SnapshotEvery = Math.Max(1, steps / 10) };
        var dspOptions = new DspOptions { Temperature = new TemperatureSchedule(1, 1e-4, Math.Max(1, steps * 4 / 5)), LearningRate = 0.1f, Seed = 3 };
        var voitaOptions = new HardConcreteOptions { Lambda = 0.02, LearningRate = 0.1f, InitialLogAlpha = 2f, Seed = 3 };

        // The pipelined runs share one trained model.
        Dictionary<string, HostTensor> trained;
        var clock = Stopwatch.StartNew();
        using (var model = new NliClassifier(device, config))
        {
            var task = Task(model);
            PruningRun.TrainModel(task, steps, baseOptions);
            trained = model.StateDict();
            Say($"trained unpruned model ({config.TotalHeads} heads, {model.ParameterCount} params): accuracy {PruningRun.Evaluate(task, null).Metric:P1} after {steps} steps, {clock.Elapsed.TotalSeconds:0}s");
        }

        void RunOne(string name, PruningSetting setting, Func<NliClassifier, PruningTask<Pair>, IHeadPruner> make)
        {
            using var model = new NliClassifier(device, config);
            if (setting == PruningSetting.Pipelined) model.LoadStateDict(trained);
            var task = Task(model);
            using var pruner = make(model, task);
            var options = baseOptions with
            {
                Setting = setting, TrainSteps = setting == PruningSetting.Joint ? steps : 0, MaskSteps = steps / 2,
                OutputDirectory = Path.Combine(outDir, $"{name}-{setting}".ToLowerInvariant()),
            };
            var result = PruningRun.Run(task, pruner, options);
            string extra = pruner is HardConcretePruner hc ? $" (lambda {hc.Options.Lambda}, gates > 0.5 before top-K: {hc.ReachedK})" : "";
            Say($"{name,-6} {setting,-9} K={result.KeptCount}/{result.Heads}: masked {result.MaskedMetric:P1}, pruned {result.PrunedMetric:P1} " +
                $"(all heads {result.AllHeadsMetric:P1}); params {result.ParametersMasked} -> {result.ParametersPruned}; " +
                $"tokens/s {result.MaskedTokensPerSecond:0} -> {result.PrunedTokensPerSecond:0}; {result.TrainTime.TotalSeconds:0}s{extra}");
            if (result.Curve is { } curve) Say("  michel curve: " + string.Join(", ", curve.Select(s => $"{s.HeadsKept}:{s.Metric:P1}")));
        }

        var budget = (NliClassifier m) => HeadBudget.Global(k);
        RunOne("dsp", PruningSetting.Joint, (m, _) => new DspPruner(device, m.HeadIndex, budget(m), dspOptions));
        RunOne("ste", PruningSetting.Joint, (m, _) => new StePruner(device, m.HeadIndex, budget(m), 0.1f, 3));
        RunOne("voita", PruningSetting.Joint, (m, _) => new HardConcretePruner(device, m.HeadIndex, budget(m), voitaOptions));
        RunOne("dsp", PruningSetting.Pipelined, (m, _) => new DspPruner(device, m.HeadIndex, budget(m), dspOptions));
        RunOne("ste", PruningSetting.Pipelined, (m, _) => new StePruner(device, m.HeadIndex, budget(m), 0.1f, 3));
        RunOne("voita", PruningSetting.Pipelined, (m, _) => new HardConcretePruner(device, m.HeadIndex, budget(m), voitaOptions));
        RunOne("michel", PruningSetting.Pipelined, (m, task) =>
        {
            var batches = train.Take(128).Chunk(32).ToList();
            return new MichelPruner(device, m.HeadIndex, budget(m), (b, gate) => task.Loss(batches[b], gate), batches.Count,
                                    MichelPruner.StepFor(m.HeadIndex, 0.1));
        });
        Say($"total {clock.Elapsed.TotalMinutes:0.0} min (Host backend, 2-core machine shared with other jobs)");
    }
}
