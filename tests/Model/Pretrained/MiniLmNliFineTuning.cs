using System.Diagnostics;
using NativeDsp.Engine;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Nli;
using NativeDsp.Model.Transformer;
using Xunit.Abstractions;

namespace NativeDsp.Tests.Model.Pretrained;

/// <summary>
/// Fine-tunes MiniLM with a fresh classification head on the lexical NLI set (the library path under
/// `nativedsp nli --init minilm`, which tests/Experiments/PretrainedInitTests runs end to end). By default a short smoke run (a few steps on one repeated
/// batch: the loss must fall, so the pretrained encoder is trainable end to end). With
/// NATIVEDSP_FINETUNE_STEPS=N it is the driver: N steps of batch 16 (AdamW 5e-5, linear warm-up/decay),
/// then accuracy on NATIVEDSP_FINETUNE_EVAL (default 500) validation pairs.
/// </summary>
[Collection(MiniLmCollection.Name)]
public sealed class MiniLmNliFineTuning(MiniLmFixture fx, ITestOutputHelper output)
{
    static string DataFile(string split)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string p = Path.Combine(dir.FullName, "experiments", "data", "nli", $"lexnli.{split}.tsv.gz");
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"lexnli.{split}.tsv.gz not found above {AppContext.BaseDirectory}");
    }

    (int[] Ids, int[] Segments, int[] Labels, int Length) Pack(IReadOnlyList<NliExample> batch)
    {
        var pairs = batch.Select(e => (fx.Tokenizer.Encode(e.Premise).ToArray(), fx.Tokenizer.Encode(e.Hypothesis).ToArray())).ToList();
        var (ids, seg, length) = NliInput.Pack(pairs, fx.Tokenizer.ClassificationId, fx.Tokenizer.SeparatorId, fx.Tokenizer.PadId, 128);
        return (ids, seg, batch.Select(e => NliLabels.All.ToList().IndexOf(e.Label)).ToArray(), length);
    }

    float TrainStep(NliClassifier model, AdamW optimizer, IReadOnlyList<NliExample> batch, float scheduleFactor)
    {
        var (ids, seg, labels, length) = Pack(batch);
        using var scope = fx.Device.Scope();
        optimizer.ZeroGrad();
        var logits = model.Forward(ids, seg, batch.Count, length);
        var loss = Ops.CrossEntropy(logits, fx.Device.Tape.Own(IntTensor.FromArray(fx.Device, labels, batch.Count)));
        loss.Backward();
        optimizer.Step(scheduleFactor);
        return loss.Item();
    }

    double Accuracy(NliClassifier model, IReadOnlyList<NliExample> data)
    {
        model.Eval();
        int correct = 0;
        foreach (var chunk in data.Chunk(32))
        {
            var (ids, seg, labels, length) = Pack(chunk);
            using var scope = fx.Device.Scope();
            using var noGrad = NoGrad.Scope();
            var logits = model.Forward(ids, seg, chunk.Length, length).ToArray();
            for (int b = 0; b < chunk.Length; b++)
            {
                var row = logits.AsSpan(b * 3, 3);
                if (row.IndexOf(Max(row)) == labels[b]) correct++;
            }
        }
        model.Train();
        return (double)correct / data.Count;

        static float Max(ReadOnlySpan<float> s) => Math.Max(s[0], Math.Max(s[1], s[2]));
    }

    [Fact]
    public void Fine_tunes_on_lexical_nli()
    {
        var train = NliReader.Read(DataFile("train"), new BadLineLog(BadLinePolicy.Error)).Examples;
        int steps = int.TryParse(Environment.GetEnvironmentVariable("NATIVEDSP_FINETUNE_STEPS"), out int s) ? s : 0;
        using var model = fx.Model.CreateNliClassifier(fx.Device, classes: 3, dropout: 0.1f, seed: 7);
        model.Train();
        var optimizer = new AdamW(model.Parameters(), learningRate: 5e-5f, weightDecay: 0.01f);
        var watch = Stopwatch.StartNew();
        if (steps == 0)
        {
            // Smoke: one batch of 8, repeated; dropout off so the decrease is not noise. 4 steps of AdamW at 5e-5
            // on a 22M-parameter model reliably lower the loss on the batch they see.
            model.Eval();
            var batch = train.Take(8).ToList();
            float first = TrainStep(model, optimizer, batch, 1f), last = first;
            for (int i = 0; i < 3; i++) last = TrainStep(model, optimizer, batch, 1f);
            output.WriteLine($"smoke: loss {first:F4} -> {last:F4} in 4 steps, {watch.Elapsed.TotalSeconds:F1} s");
            Assert.True(float.IsFinite(last) && last < first, $"loss did not fall: {first} -> {last}");
            return;
        }

        int evalCount = int.TryParse(Environment.GetEnvironmentVariable("NATIVEDSP_FINETUNE_EVAL"), out int ev) ? ev : 500;
        var valid = NliReader.Read(DataFile("valid"), new BadLineLog(BadLinePolicy.Error)).Examples.Take(evalCount).ToList();
        var order = new Random(11);
        int warmup = Math.Max(1, steps / 10);
        double lossSum = 0;
        for (int step = 0; step < steps; step++)
        {
            var batch = Enumerable.Range(0, 16).Select(_ => train[order.Next(train.Count)]).ToList();
            float factor = step < warmup ? (step + 1f) / warmup : Math.Max(0f, (steps - step) / (float)(steps - warmup));
            lossSum += TrainStep(model, optimizer, batch, factor);
            if ((step + 1) % 25 == 0)
            {
                output.WriteLine($"step {step + 1}: mean loss {lossSum / 25:F4}, {watch.Elapsed.TotalSeconds:F0} s");
                Console.WriteLine($"step {step + 1}: mean loss {lossSum / 25:F4}, {watch.Elapsed.TotalSeconds:F0} s");
                lossSum = 0;
            }
        }
        double acc = Accuracy(model, valid);
        string line = $"MiniLM fine-tuned {steps} steps x 16 on lexnli train: valid accuracy {acc:P2} on {valid.Count} pairs (all 72 heads), {watch.Elapsed.TotalSeconds:F0} s";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(acc > 0.4, line); // above the 1/3 of chance
    }
}
