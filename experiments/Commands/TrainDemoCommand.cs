using System.Globalization;
using NativeDsp.Engine;
using NativeDsp.Experiments.Progress;
using NativeDsp.Model.Training;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// <c>nativedsp train-demo</c>: trains a tiny NLI classifier on a synthetic task (the label is a function
/// of the first premise token) to show the training loop end to end: live progress on a
/// terminal or plain lines otherwise, evaluation, best/last checkpoints and <c>--resume</c>.
/// </summary>
public static class TrainDemoCommand
{
    const string Usage = "usage: nativedsp train-demo [--steps N] [--eval-every N] [--checkpoint-every N] [--checkpoints DIR] [--resume] [--seed N] [--device NAME]";

    sealed record Example(int[] Premise, int[] Hypothesis, int Label);

    public static int Run(string[] args)
    {
        long steps = 400, evalEvery = 50, checkpointEvery = 100;
        ulong seed = 1;
        string? checkpoints = null, deviceName = null;
        bool resume = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value", Usage);
            long Number() => long.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n >= 0 ? n : throw new UsageException($"{args[i - 1]}: '{args[i]}' is not a non-negative integer", Usage);
            switch (args[i])
            {
                case "--steps": steps = Number(); break;
                case "--eval-every": evalEvery = Number(); break;
                case "--checkpoint-every": checkpointEvery = Number(); break;
                case "--checkpoints": checkpoints = Value(); break;
                case "--resume": resume = true; break;
                case "--seed": seed = (ulong)Number(); break;
                case "--device": deviceName = Value(); break;
                default: throw new UsageException($"unknown option '{args[i]}'", Usage);
            }
        }
        if (steps < 1) throw new UsageException("--steps must be at least 1", Usage);
        if (resume && checkpoints is null) throw new UsageException("--resume needs --checkpoints DIR", Usage);

        using var device = Device.Select(deviceName);
        Console.WriteLine($"device: {device.SelectionReason}");
        var train = Examples(512, 10 + (int)seed);
        var valid = Examples(128, 20 + (int)seed);
        using var model = new NliClassifier(device, new NliClassifierConfig
        {
            Layers = 2, DModel = 64, Heads = 4, Ffn = 128, Vocab = 32, MaxPositions = 16, Seed = seed,
        });
        using var optimizer = new AdamW([new ParameterGroup(model.Parameters(), 2e-3f, 0.01f, name: "model")]);

        Tensor Logits(IReadOnlyList<Example> batch)
        {
            var (ids, segments, length) = NliInput.Pack(batch.Select(e => (e.Premise, e.Hypothesis)).ToList(), 1, 2, 0, 16);
            return model.Forward(ids, segments, batch.Count, length);
        }
        BatchLoss Loss(IReadOnlyList<Example> batch, StepContext context)
        {
            var labels = device.Tape.Own(IntTensor.FromArray(device, batch.Select(e => e.Label).ToArray(), batch.Count));
            return new BatchLoss(Ops.CrossEntropy(Logits(batch), labels, smoothing: context.LabelSmoothing), batch.Sum(e => e.Premise.Length + e.Hypothesis.Length + 3));
        }
        double Accuracy()
        {
            var logits = Logits(valid).ToArray();
            int right = 0;
            for (int i = 0; i < valid.Count; i++)
            {
                var row = logits.AsSpan(3 * i, 3);
                int best = row[1] > row[0] ? 1 : 0;
                if (row[2] > row[best]) best = 2;
                if (best == valid[i].Label) right++;
            }
            return right / (double)valid.Count;
        }

        var options = new TrainerOptions
        {
            MaxSteps = steps, BatchSize = 32, DataSeed = seed, ClipNorm = 1f, LabelSmoothing = 0.1f, EvalEvery = evalEvery,
            Patience = 5, CheckpointEvery = checkpoints is null ? 0 : checkpointEvery, CheckpointDirectory = checkpoints, Resume = resume,
        };
        var trainer = new Trainer<Example>(model, optimizer, new LinearWarmupDecaySchedule(Math.Min(40, steps), steps), train, Loss, options,
                                           evalEvery > 0 ? new EvaluationMetric("accuracy", true, Accuracy) : null)
        {
            Description = "train-demo (NLI classifier, 2 layers, d 64)",
        };
        trainer.Rngs["dropout"] = model.DropoutRng;
        try
        {
            ProgressDisplay.Run(sink =>
            {
                trainer.Progress = sink;
                return trainer.Run();
            }, plainEverySteps: 50);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or TrainingDivergedException)
        {
            // A checkpoint that cannot be read or does not fit, or a diverged run: the message says which and where.
            Console.Error.WriteLine($"nativedsp train-demo: {e.Message}");
            return 1;
        }
    }

    /// <summary>Random token pairs; the class is the first premise token mod 3 (learnable in a few hundred steps).</summary>
    static List<Example> Examples(int count, int seed)
    {
        var rng = new System.Random(seed);
        int[] Tokens() => Enumerable.Range(0, rng.Next(1, 6)).Select(_ => rng.Next(3, 32)).ToArray();
        return Enumerable.Range(0, count).Select(_ =>
        {
            var (p, h) = (Tokens(), Tokens());
            return new Example(p, h, p[0] % 3);
        }).ToList();
    }
}
