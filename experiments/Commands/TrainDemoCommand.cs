using System.CommandLine;
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
    sealed record Example(int[] Premise, int[] Hypothesis, int Label);

    public static Command Create()
    {
        var command = new Command("train-demo", "train a tiny NLI classifier on a synthetic task (progress, checkpoints, --resume)");
        var steps = new Option<long>("--steps") { Description = "training steps (>= 1)", DefaultValueFactory = _ => 400 };
        var evalEvery = new Option<long>("--eval-every") { Description = "steps between evaluations (0 = none)", DefaultValueFactory = _ => 50 };
        var checkpointEvery = new Option<long>("--checkpoint-every") { Description = "steps between checkpoints (with --checkpoints)", DefaultValueFactory = _ => 100 };
        var checkpoints = new Option<string?>("--checkpoints") { Description = "folder for best/last checkpoints", HelpName = "DIR" };
        var resume = new Option<bool>("--resume") { Description = "continue from the last checkpoint in --checkpoints" };
        var seed = new Option<long>("--seed") { Description = "random seed (>= 0)", DefaultValueFactory = _ => 1 };
        var device = CliOptions.Device();
        foreach (Option o in new Option[] { steps, evalEvery, checkpointEvery, checkpoints, resume, seed, device }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            long n = parsed.GetValue(steps), e = parsed.GetValue(evalEvery), c = parsed.GetValue(checkpointEvery), s = parsed.GetValue(seed);
            if (n < 1) throw new UsageException($"--steps {n}: must be >= 1");
            if (e < 0) throw new UsageException($"--eval-every {e}: must be >= 0");
            if (c < 0) throw new UsageException($"--checkpoint-every {c}: must be >= 0");
            if (s < 0) throw new UsageException($"--seed {s}: must be >= 0");
            string? dir = parsed.GetValue(checkpoints);
            if (parsed.GetValue(resume) && dir is null) throw new UsageException("--resume needs --checkpoints DIR");
            if (dir is not null) CliOptions.RequireFolder(dir, "--checkpoints");
            return Run(n, e, c, (ulong)s, dir, parsed.GetValue(resume), parsed.GetValue(device));
        });
        return command;
    }

    static int Run(long steps, long evalEvery, long checkpointEvery, ulong seed, string? checkpoints, bool resume, DeviceChoice? deviceChoice)
    {
        using var device = Devices.Open(deviceChoice);
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
        ProgressDisplay.Run(sink =>
        {
            trainer.Progress = sink;
            return trainer.Run();
        }, plainEverySteps: 50);
        return 0;
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
