using NativeDsp.Engine;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Training;
using NativeDsp.Experiments.Pruning;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// What differs between the NLI and MT experiments: the model, the data, the loss and the metric.
/// <see cref="ExperimentRunner"/> does the rest the same way for both.
/// </summary>
public abstract class TaskExperiment<T>
{
    protected TaskExperiment(ExperimentConfig config) => Config = config;

    public ExperimentConfig Config { get; }

    /// <summary>
    /// Loads a task's tokenizer and data once per process and key: a sweep builds an experiment per run,
    /// and re-reading and re-tokenizing the corpus for each would dominate the short quick runs.
    /// </summary>
    protected static TData LoadOnce<TData>(Dictionary<string, TData> cache, string key, Func<TData> load)
    {
        lock (cache)
        {
            if (!cache.TryGetValue(key, out var loaded)) cache[key] = loaded = load();
            return loaded;
        }
    }

    /// <summary>"nli" or "mt".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// What identifies the data beyond the config ("" for the committed data sets): part of the key of the
    /// trained-model cache, so a model trained on one corpus is never reused for another.
    /// </summary>
    public virtual string DataKey => "";

    /// <summary>"accuracy" or "bleu".</summary>
    public abstract string MetricName { get; }

    /// <summary>A freshly initialised model; the same seed gives the same weights.</summary>
    public abstract Module BuildModel(Device device, int seed);

    /// <summary>The training examples (loaded once per process).</summary>
    public abstract IReadOnlyList<T> Train { get; }

    /// <summary>The loss of a batch under a gate (null = every head); called inside a tape scope.</summary>
    public abstract BatchLoss Loss(Module model, IReadOnlyList<T> batch, Tensor? gate);

    /// <summary>The metric on the evaluation set under a gate, and the tokens processed.</summary>
    public abstract (double Metric, long Tokens) Evaluate(Module model, Tensor? gate);

    /// <summary>Whether the task's model prunes units beyond heads (FFN neurons, blocks): the Unit* members below work.</summary>
    public virtual bool PrunesUnits => false;

    /// <summary>The loss of a batch under unit gates (called inside a tape scope).</summary>
    /// <exception cref="NotSupportedException">The model prunes heads only (<see cref="PrunesUnits"/> is false).</exception>
    public virtual BatchLoss UnitLoss(Module model, IReadOnlyList<T> batch, UnitGates gates) => throw HeadsOnly();

    /// <summary>The metric on the evaluation set under unit gates, and the tokens processed.</summary>
    /// <exception cref="NotSupportedException">The model prunes heads only.</exception>
    public virtual (double Metric, long Tokens) UnitEvaluate(Module model, UnitGates gates) => throw HeadsOnly();

    /// <summary>The encoder's final hidden states [B, T, d] of a batch under unit gates, and its key mask.</summary>
    /// <exception cref="NotSupportedException">The model prunes heads only.</exception>
    public virtual (Tensor Hidden, Tensor? KeyMask) Hidden(Module model, IReadOnlyList<T> batch, UnitGates gates) => throw HeadsOnly();

    /// <summary>One forward pass of the first <paramref name="size"/> evaluation examples (fixed), scoped, under NoGrad: what timing measures.</summary>
    /// <exception cref="NotSupportedException">The model prunes heads only.</exception>
    public virtual Action BenchmarkForward(Module model, int size) => throw HeadsOnly();

    NotSupportedException HeadsOnly() => new($"{Name}: the model prunes heads only (FFN neurons and blocks: nli)");

    public PruningTask<T> Task(Module model) => new()
    {
        Model = model,
        Train = Train,
        Loss = (batch, gate) => Loss(model, batch, gate),
        Evaluate = gate => Evaluate(model, gate),
        MetricName = MetricName,
        UnitLoss = PrunesUnits ? (batch, gates) => UnitLoss(model, batch, gates) : null,
        UnitEvaluate = PrunesUnits ? gates => UnitEvaluate(model, gates) : null,
        Hidden = PrunesUnits ? (batch, gates) => Hidden(model, batch, gates) : null,
        BenchmarkForward = PrunesUnits ? size => BenchmarkForward(model, size) : null,
    };

    /// <summary>Fixed training batches for Michel's importance pass (the same for every K of a seed).</summary>
    public IReadOnlyList<T> ImportanceBatch(int b, int seed)
    {
        int n = Train.Count, size = Config.Batch;
        var rng = new Random(unchecked(seed * 7919 + 17));
        return Enumerable.Range(0, size).Select(i => Train[(int)(((long)b * size + i + rng.Next(n)) % n)]).ToList();
    }
}
