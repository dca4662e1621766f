using NativeDsp.Engine;
using NativeDsp.Kernels.Ilgpu;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Training;

namespace NativeDsp.Tests.Model.Training;

/// <summary>
/// A training step on the ILGPU backend reads back from the device only the loss the trainer asks for:
/// ids and targets are checked on the host where they are made, kernel arguments are checked on the host,
/// and the gradient-norm clip keeps its scale on the device. Counted with
/// <see cref="IlgpuKernels.DeviceToHostCopies"/> on ILGPU's CPU accelerator (the same host code that drives
/// a GPU), per step between the trainer's BeforeForward and AfterStep hooks. Clipping is on, so the norm
/// path is covered.
/// </summary>
public sealed class DeviceRoundTripTests
{
    const int Steps = 3;

    static IlgpuKernels Ilgpu => (IlgpuKernels)TestBackends.Get("ilgpu-cpu");

    /// <summary>Device-to-host copies of each step of <paramref name="trainer"/> (hooks at its start and end).</summary>
    static List<long> CountPerStep<T>(Trainer<T> trainer)
    {
        var k = Ilgpu;
        var perStep = new List<long>();
        long before = 0;
        trainer.Hooks.Add(new DelegateHook(beforeForward: _ => before = k.DeviceToHostCopies,
                                           afterStep: (_, _) => perStep.Add(k.DeviceToHostCopies - before)));
        trainer.Run();
        return perStep;
    }

    [Fact]
    public void NliClassifierStep_ReadsBackOnlyTheLoss()
    {
        using var device = new Device(Ilgpu);
        var options = new TrainerOptions { MaxSteps = Steps, BatchSize = 4, ClipNorm = 0.5f, LabelSmoothing = 0.1f };
        var run = new NliRun(device, options, new ConstantSchedule(), examples: 12);
        // The test gate draws its noise on the host in a hook; it is uploaded, never read back.
        var perStep = CountPerStep(run.Trainer);
        Assert.Equal(Steps, perStep.Count);
        Assert.All(perStep, n => Assert.True(n <= 1, $"device-to-host copies per step: [{string.Join(", ", perStep)}], at most 1 (the loss) allowed"));
        Assert.All(run.Trainer.History, r => Assert.True(float.IsFinite(r.Loss) && float.IsFinite(r.GradientNorm), $"step {r.Step}: loss {r.Loss}, norm {r.GradientNorm}"));
    }

    [Fact]
    public void DspJointMaskStep_ReadsBackOnlyTheLoss()
    {
        using var device = new Device(Ilgpu);
        var options = new TrainerOptions { MaxSteps = Steps, BatchSize = 4, ClipNorm = 0.5f };
        var run = new NliRun(device, options, new ConstantSchedule(), examples: 12);
        using var dsp = new DspPruner(device, run.Model.HeadIndex, HeadBudget.Global(2), new DspOptions { Seed = 5 });
        using var optimizer = new AdamW([new ParameterGroup(run.Model.Parameters(), 1e-3f, 0.01f, name: "model"), dsp.ParameterGroup]);
        var trainer = new Trainer<NliExample>(run.Model, optimizer, new ConstantSchedule(), run.Data, (batch, context) =>
        {
            var (ids, segments, length) = NliInput(batch);
            var logits = run.Model.Forward(ids, segments, batch.Count, length, dsp.Mask(context.Step, training: true));
            var labels = device.Tape.Own(IntTensor.FromArray(device, batch.Select(e => e.Label).ToArray(), batch.Count));
            return new BatchLoss(Ops.CrossEntropy(logits, labels), batch.Count);
        }, options);
        trainer.ExtraModules["pruner"] = dsp;
        var perStep = CountPerStep(trainer);
        Assert.Equal(Steps, perStep.Count);
        Assert.All(perStep, n => Assert.True(n <= 1, $"device-to-host copies per DSP step: [{string.Join(", ", perStep)}], at most 1 (the loss) allowed"));
    }

    [Fact]
    public void SteadyTrainingAllocatesFromThePool()
    {
        // One batch of 4 examples, so every step has the same shapes. The first step allocates the
        // optimizer's moments (which may take buffers that the step's scratch returned to the pool, so the
        // second step can still miss a few); from then on a step allocates no device memory.
        using var device = new Device(Ilgpu);
        var options = new TrainerOptions { MaxSteps = Steps, BatchSize = 4 };
        var run = new NliRun(device, options, new ConstantSchedule(), examples: 4, dropout: 0f);
        run.Trainer.Run(untilStep: 2);
        long allocations = Ilgpu.DeviceAllocations;
        run.Trainer.Run(untilStep: 3);
        Assert.True(allocations > 0);
        Assert.Equal(allocations, Ilgpu.DeviceAllocations);
    }

    static (int[] Ids, int[] Segments, int Length) NliInput(IReadOnlyList<NliExample> batch) =>
        NativeDsp.Model.Transformer.NliInput.Pack(batch.Select(e => (e.Premise, e.Hypothesis)).ToList(), NliRun.Cls, NliRun.Sep, NliRun.Pad, 24);
}
