using NativeDsp.Engine;
using NativeDsp.Experiments.Pruning;
using NativeDsp.Experiments.Results;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Transformer;
using NativeDsp.Tests.Experiments.Data;

namespace NativeDsp.Tests.Experiments.Pruning;

/// <summary>
/// The unit pruning run (<see cref="UnitPruningRun"/>) on the tiny NLI data: masked = physically removed, the kept
/// units and parameters it reports, the stages and what a procedure gets, a head pruner through it giving the head
/// run's numbers, a procedure's trial runs resuming after a kill, and the pruned shape rebuilt for re-timing.
/// </summary>
public sealed class UnitPruningRunTests : IDisposable
{
    readonly TempDir temp = new();
    readonly NliExperiment experiment;
    readonly Device device = new(TestBackends.Host);

    public UnitPruningRunTests()
    {
        var config = Presets.Get("nli", "quick") with
        {
            Layers = 2, AttnHeads = 2, DModel = 16, Ffn = 16, TrainExamples = 96, EvalExamples = 32, Batch = 8, Steps = 8, MaskSteps = 6, Warmup = 2,
        };
        experiment = new NliExperiment(config, TinyData.Nli(temp.File("data")));
    }

    public void Dispose()
    {
        device.Dispose();
        temp.Dispose();
    }

    PruningRunOptions Options(PruningSetting setting, long trainSteps) => new()
    {
        Setting = setting, TrainSteps = trainSteps, MaskSteps = 6, BatchSize = 8, ModelLearningRate = 2e-3f, DataSeed = 3,
        TimeInference = true, TimingBatch = 4, TimingRepetitions = 2, TimingWarmUp = 1,
    };

    static float[] Scores(int n) => Enumerable.Range(0, n).Select(i => (float)((i * 7919) % 13)).ToArray();

    [Fact]
    public void HeadsAndNeuronsPrunedPhysicallyScoreAsMaskedAndReportWhatWasKept()
    {
        using var model = experiment.BuildModel(device, 1);
        var task = experiment.Task(model);
        var index = UnitIndex.Build((IUnitPrunable)model, UnitKinds.Heads | UnitKinds.Neurons);
        var budget = UnitBudget.PerKind(index, (UnitKind.Head, 3), (UnitKind.Neuron, 10));
        using var pruner = new FixedUnitPruner(device, index, budget, Scores(index.Count));
        var keep = pruner.FinalKeep();
        long removed = index.RemovedParameters(keep);
        var result = UnitPruningRun.Run(task, pruner, Options(PruningSetting.Pipelined, trainSteps: 8));

        // Masked = removed (the tolerance of the masked-vs-removed logits test is 1e-5; accuracy over 32 pairs agrees exactly).
        Assert.Equal(result.MaskedMetric, result.PrunedMetric);
        Assert.Equal(result.ParametersFull - removed, result.ParametersPruned);
        Assert.Equal(3, result.UnitsKept[UnitKind.Head]);
        Assert.Equal(10, result.UnitsKept[UnitKind.Neuron]);
        Assert.Equal(4, result.UnitsBefore[UnitKind.Head]);
        Assert.Equal(32, result.UnitsBefore[UnitKind.Neuron]);
        Assert.Equal(index.ParameterCosts().Sum(), result.PrunableParameters);
        Assert.Equal(result.ParametersPruned, result.ParametersFull - result.PrunableParameters + result.KeptPrunableParameters);
        Assert.Equal(3, result.HeadsPerModule.Sum(m => m.Heads));
        Assert.Equal(PrunedShape.Describe((IUnitPrunable)model), result.Shape);
        Assert.Equal(10, result.Shape.Split(';').Sum(l => int.Parse(l.Split('/')[1])));
        Assert.NotNull(result.FullTiming);
        Assert.NotNull(result.PrunedTiming);
        Assert.True(result.FullTiming!.MedianMilliseconds > 0 && result.PrunedTiming!.MedianMilliseconds > 0);
        Assert.Equal(4, result.FullTiming.Batch);
    }

    [Fact]
    public void BlocksRemovedTakeTheirUnitsAlong()
    {
        using var model = experiment.BuildModel(device, 1);
        var task = experiment.Task(model);
        var index = UnitIndex.Build((IUnitPrunable)model, UnitKinds.Heads | UnitKinds.Blocks);
        // Keep 3 heads and 2 of the 4 blocks: which ones the scores say.
        var budget = UnitBudget.PerKind(index, (UnitKind.Head, 3), (UnitKind.AttentionBlock, 1), (UnitKind.FfnBlock, 1));
        using var pruner = new FixedUnitPruner(device, index, budget, Scores(index.Count));
        var result = UnitPruningRun.Run(task, pruner, Options(PruningSetting.Pipelined, trainSteps: 0) with { TimeInference = false });
        Assert.Equal(result.MaskedMetric, result.PrunedMetric);
        Assert.Equal(1, result.UnitsKept[UnitKind.AttentionBlock]);
        Assert.Equal(1, result.UnitsKept[UnitKind.FfnBlock]);
        Assert.Contains("-", result.Shape);
        Assert.Null(result.FullTiming);
        // Heads of a removed attention block are gone whatever their own mask said.
        Assert.True(result.UnitsKept[UnitKind.Head] <= 3);
    }

    [Theory]
    [InlineData("heads,blocks")]
    [InlineData("neurons,blocks")]
    [InlineData("heads,attention-blocks")]
    [InlineData("heads,neurons,blocks")]
    public void KeptParametersReportedAreThePhysicallyPrunedModels(string units)
    {
        using var model = experiment.BuildModel(device, 1);
        var task = experiment.Task(model);
        var index = UnitIndex.Build((IUnitPrunable)model, UnitKindsText.Parse(units));
        long prunable = index.PrunableParameters;
        var budget = UnitBudget.FromCost(index, 0.5 * prunable, UnitCost.Parameters);
        using var pruner = new FixedUnitPruner(device, index, budget, Scores(index.Count));
        var keep = pruner.FinalKeep();
        var result = UnitPruningRun.Run(task, pruner, Options(PruningSetting.Pipelined, trainSteps: 0) with { TimeInference = false });

        // Each parameter of the selected modules counted once (the blocks' heads / neurons are not counted again).
        Assert.Equal(prunable, result.PrunableParameters);
        Assert.True(prunable < result.ParametersFull);
        // What the run reports kept is what the pruned model holds, what the mask keeps, and what the budget planned (<= half).
        Assert.Equal(result.ParametersPruned, result.ParametersFull - prunable + result.KeptPrunableParameters);
        Assert.Equal(index.KeptParameters(keep), result.KeptPrunableParameters);
        Assert.Equal(budget.KeptCost!.Value, (double)result.KeptPrunableParameters);
        Assert.InRange(result.KeptPrunableParameters, 1, prunable / 2);
        // Masked = removed, and the shape rebuilds the same parameter count (pruned_shape is what nativedsp time re-prunes).
        Assert.Equal(result.MaskedMetric, result.PrunedMetric);
        using var fresh = experiment.BuildModel(device, 9);
        PrunedShape.Apply((IUnitPrunable)fresh, result.Shape);
        Assert.Equal(result.ParametersPruned, fresh.ParameterCount);
    }

    [Theory]
    [InlineData(PruningStage.Joint, PruningSetting.Joint)]
    [InlineData(PruningStage.AfterTraining, PruningSetting.Pipelined)]
    [InlineData(PruningStage.BeforeFineTuning, PruningSetting.BeforeFinetuning)]
    public void AProcedureRunsAtItsStageWithWhatTheContextOffers(PruningStage stage, PruningSetting setting)
    {
        using var model = experiment.BuildModel(device, 2);
        var task = experiment.Task(model);
        var index = UnitIndex.Build((IUnitPrunable)model, UnitKinds.Heads | UnitKinds.Neurons);
        using var procedure = new RecordingProcedure(device, index, UnitBudget.FromCost(index, 0.5 * index.ParameterCosts().Sum(), UnitCost.Parameters), Scores(index.Count), stage);
        var result = UnitPruningRun.Run(task, procedure, Options(setting, trainSteps: 8));
        Assert.Equal(stage, result.Stage);
        Assert.Equal(["train steps 8", "losses finite True; hidden rank 3"], procedure.Calls);
        // Before fine-tuning, the pruned model is then trained: a fine-tuned metric is reported.
        Assert.Equal(stage == PruningStage.BeforeFineTuning, result.FinetunedMetric is not null);
        Assert.True(result.ParametersPruned < result.ParametersFull);
    }

    [Fact]
    public void AProcedureOnlyRunsAtItsOwnStage()
    {
        using var model = experiment.BuildModel(device, 2);
        var index = UnitIndex.Build((IUnitPrunable)model, UnitKinds.Heads);
        using var procedure = new RecordingProcedure(device, index, UnitBudget.Global(index, 2), Scores(index.Count), PruningStage.BeforeFineTuning);
        var e = Assert.Throws<ArgumentException>(() => UnitPruningRun.Run(experiment.Task(model), procedure, Options(PruningSetting.Joint, 8)));
        Assert.Contains("BeforeFineTuning", e.Message);
        using var plain = new FixedUnitPruner(device, index, UnitBudget.Global(index, 2), Scores(index.Count));
        Assert.Throws<ArgumentException>(() => UnitPruningRun.Run(experiment.Task(model), plain, Options(PruningSetting.BeforeFinetuning, 8)));
        Assert.Empty(procedure.Calls);
    }

    [Theory]
    [InlineData(PruningSetting.Pipelined)]
    [InlineData(PruningSetting.Joint)]
    public void DspThroughTheUnitRunGivesTheHeadRunsNumbers(PruningSetting setting)
    {
        var options = Options(setting, trainSteps: 8) with { TimeInference = false };
        DspPruner Dsp(Module m) => new(device, ((IHeadPrunable)m).HeadIndex, HeadBudget.Global(2), new DspOptions
        {
            Temperature = new TemperatureSchedule(1000, 1e-8, 4), LearningRate = 0.5f, Seed = 5,
        });
        using var headModel = experiment.BuildModel(device, 4);
        using var headPruner = Dsp(headModel);
        var heads = PruningRun.Run(experiment.Task(headModel), headPruner, options);

        using var unitModel = experiment.BuildModel(device, 4);
        using var unitPruner = new HeadUnitPruner(Dsp(unitModel), UnitIndex.Build((IUnitPrunable)unitModel, UnitKinds.Heads));
        var units = UnitPruningRun.Run(experiment.Task(unitModel), unitPruner, options);

        Assert.Equal(heads.AllHeadsMetric, units.AllUnitsMetric);
        Assert.Equal(heads.MaskedMetric, units.MaskedMetric);
        Assert.Equal(heads.PrunedMetric, units.PrunedMetric);
        Assert.Equal(heads.ParametersPruned, units.ParametersPruned);
        Assert.Equal(headModel.StateDict().Keys.Order(), unitModel.StateDict().Keys.Order());
        foreach (var (name, tensor) in headModel.StateDict())
            Assert.Equal(tensor.Data, unitModel.StateDict()[name].Data);
    }

    [Fact]
    public void AKilledProcedureResumesItsTrialRunsToTheUninterruptedModel()
    {
        var starts = new StartRecorder();
        UnitPruningResult RunIn(string checkpoints, bool crash, out Dictionary<string, float[]> weights)
        {
            starts.Starts.Clear();
            using var model = experiment.BuildModel(device, 6);
            var index = UnitIndex.Build((IUnitPrunable)model, UnitKinds.Heads | UnitKinds.Neurons);
            using var procedure = new RecordingProcedure(device, index, UnitBudget.PerKind(index, (UnitKind.Head, 2), (UnitKind.Neuron, 8)), Scores(index.Count), PruningStage.Joint)
            {
                CrashAfterFirstTrial = crash,
            };
            var result = UnitPruningRun.Run(experiment.Task(model), procedure, Options(PruningSetting.Joint, 8) with
            {
                TimeInference = false, CheckpointDirectory = checkpoints, CheckpointEvery = 1, Progress = starts,
            });
            weights = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Data);
            return result;
        }
        var straight = RunIn(temp.File("straight"), crash: false, out var expected);
        string killed = temp.File("killed");
        Assert.Throws<InvalidOperationException>(() => RunIn(killed, crash: true, out _));
        Assert.True(File.Exists(Path.Combine(killed, "procedure1", "last.safetensors")), "the first trial run checkpointed");
        var resumed = RunIn(killed, crash: false, out var actual);
        // The first trial run continued from its last checkpoint (its end), the second started afresh.
        Assert.Equal([("recording procedure1", RecordingProcedure.TrialSteps), ("recording procedure2", 0L)], starts.Starts);
        Assert.Equal(straight.PrunedMetric, resumed.PrunedMetric);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected) Assert.Equal(values, actual[name]);
    }

    [Fact]
    public void APrunedShapeRebuildsTheSameArchitecture()
    {
        using var model = experiment.BuildModel(device, 1);
        var index = UnitIndex.Build((IUnitPrunable)model, UnitKinds.Heads | UnitKinds.Neurons | UnitKinds.Blocks);
        var keep = UnitSelection.TopK(Scores(index.Count), UnitBudget.PerKind(index, (UnitKind.Head, 3), (UnitKind.Neuron, 20), (UnitKind.FfnBlock, 1)), index);
        ((IUnitPrunable)model).PruneUnits(index, UnitSelection.Ids(keep));
        string shape = PrunedShape.Describe((IUnitPrunable)model);

        using var fresh = experiment.BuildModel(device, 9);
        PrunedShape.Apply((IUnitPrunable)fresh, shape);
        Assert.Equal(shape, PrunedShape.Describe((IUnitPrunable)fresh));
        Assert.Equal(model.ParameterCount, fresh.ParameterCount);
        Assert.Throws<FormatException>(() => PrunedShape.Apply((IUnitPrunable)experiment.BuildModel(device, 1), "9/16;2/16"));
    }

    [Fact]
    public void TimingTakesTheMedianAfterWarmUp()
    {
        int calls = 0;
        var t = InferenceTiming.Measure(() => { calls++; Thread.Sleep(calls == 3 ? 60 : 1); }, batch: 8, warmUp: 1, repetitions: 5, minWarmUp: TimeSpan.Zero);
        Assert.Equal(6, calls);
        // The warm-up also lasts at least minWarmUp (tiered JIT): 1 ms passes for 100 ms are dozens of passes, not 1.
        int warm = 0;
        InferenceTiming.Measure(() => { warm++; Thread.Sleep(1); }, batch: 8, warmUp: 1, repetitions: 1, minWarmUp: TimeSpan.FromMilliseconds(100));
        Assert.InRange(warm, 10, InferenceTiming.MaxWarmUpPasses + 1);
        // One slow pass of five does not move the median.
        Assert.InRange(t.MedianMilliseconds, 0.5, 30);
        Assert.Equal(2.5, InferenceTiming.Median([4, 1, 2, 3]));
        Assert.Equal(Environment.ProcessorCount, t.Threads);
        Assert.Equal(t.LoadAverage is double load && load < TimingMeasurement.QuietLoad, t.Quiet);
    }

    /// <summary>Records where each training phase started (a resumed phase starts at its checkpoint's step).</summary>
    sealed class StartRecorder : NativeDsp.Model.Training.IProgressSink
    {
        public List<(string Description, long Start)> Starts { get; } = [];
        public void Started(string description, long startStep, long totalSteps) => Starts.Add((description, startStep));
        public void StepCompleted(NativeDsp.Model.Training.ProgressSnapshot snapshot) { }
        public void Message(string line) { }
        public void Finished(NativeDsp.Model.Training.TrainingResult result) { }
    }
}
