using NativeDsp.Engine;
using NativeDsp.Kernels;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Model.Layers;

/// <summary>
/// The position-wise feed-forward block: fc2(dropout(act(fc1(x)))), with fc1 [ffn, d] and fc2 [d, ffn]
/// (fairseq's names). The activation dropout is fairseq's "activation_dropout" (0 in BERT).
/// </summary>
public sealed class FeedForward : Module, IResidualBranch
{
    readonly Dropout activationDropout;

    /// <summary>fc1 [hidden, dim], fc2 [dim, hidden], zero-filled (ModelInit fills them); <paramref name="rng"/> is the model's dropout stream.</summary>
    /// <exception cref="ArgumentException">The activation is not ReLU, GELU or GELU-tanh.</exception>
    /// <exception cref="ArgumentOutOfRangeException">activationDropout is outside [0, 1).</exception>
    public FeedForward(Device device, int dim, int hidden, Activation activation, float activationDropout, Rng rng)
    {
        if (activation is not (Activation.Relu or Activation.Gelu or Activation.GeluTanh))
            throw new ArgumentException($"feed-forward: the activation must be ReLU or GELU, got {activation}");
        Activation = activation;
        Fc1 = RegisterModule("fc1", new Linear(device, dim, hidden));
        Fc2 = RegisterModule("fc2", new Linear(device, hidden, dim));
        this.activationDropout = RegisterModule("activation_dropout", new Dropout(activationDropout, rng));
    }

    /// <summary>The expansion d -> hidden.</summary>
    public Linear Fc1 { get; }
    /// <summary>The projection hidden -> d.</summary>
    public Linear Fc2 { get; }
    /// <summary>The activation between the two (ReLU in fairseq's Transformer, GELU in BERT).</summary>
    public Activation Activation { get; }

    /// <summary>The current number of intermediate neurons (fc1's outputs; reduced by <see cref="PruneNeurons"/>).</summary>
    public int Neurons => Fc1.OutFeatures;

    /// <summary>Where this FFN's neurons start in a model's neuron gate (set by <see cref="UnitIndex.Build"/>; 0 standalone).</summary>
    public int NeuronOffset { get; set; }

    /// <summary>Where this FFN's entry lies in a model's FFN-block gate (set by <see cref="UnitIndex.Build"/>).</summary>
    public int BlockOffset { get; set; }

    /// <summary>True once the whole FFN is removed (<see cref="RemoveBranch"/>): its layer adds nothing.</summary>
    public bool BranchRemoved { get; private set; }

    /// <summary>The pre-LN LayerNorm in front of this FFN, which only it reads (set by a pre-LN layer; null in post-LN).</summary>
    public BranchInputNorm? InputNorm { get; set; }

    /// <summary>fc1's and fc2's parameters and the pre-LN input norm's (0 once removed).</summary>
    public long BranchParameters => BranchRemoved ? 0 : Fc1.ParameterCount + Fc2.ParameterCount + (InputNorm?.Parameters ?? 0);

    /// <summary>
    /// fc2(dropout(act(fc1(x)) * g)) for x [..., d]: [..., d], where g is this FFN's slice
    /// [NeuronOffset, NeuronOffset + Neurons) of <paramref name="neuronGate"/> (null = every neuron on).
    /// The gate multiplies each intermediate neuron's activation, so a gate of 0 equals removing the neuron
    /// (its fc1 row and fc2 column): MLPruning's FFN "row" pruning, and DSP over neurons.
    /// </summary>
    /// <exception cref="ArgumentException">The gate is too short for this FFN's neurons.</exception>
    public Tensor Forward(Tensor x, Tensor? neuronGate = null)
    {
        if (Neurons == 0) return NoNeurons(x);
        var h = Ops.Activate(Fc1.Forward(x), Activation);
        if (UnitGates.Slice(neuronGate, NeuronOffset, Neurons, "feed-forward neuron gate") is { } g) h = Ops.Mul(h, g);
        return Fc2.Forward(activationDropout.Forward(h));
    }

    /// <summary>With every neuron removed, the FFN outputs only fc2's bias (what a neuron gate of all zeros gives).</summary>
    Tensor NoNeurons(Tensor x)
    {
        var zeros = Ops.Scale(x, 0f);
        return Fc2.Bias is null ? zeros : Ops.Add(zeros, Fc2.Bias);
    }

    /// <summary>
    /// Physically removes every intermediate neuron not in <paramref name="keep"/> (current numbers 0..Neurons-1):
    /// its row of fc1 (weight and bias) and its column of fc2. The smaller FFN computes exactly what this one
    /// computes with neuron gate 1 on the kept neurons and 0 elsewhere. Parameters are replaced: rebuild optimizers.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A neuron is outside [0, Neurons).</exception>
    /// <exception cref="ArgumentException">Neurons repeat.</exception>
    public void PruneNeurons(IEnumerable<int> keep)
    {
        var rows = keep.ToList();
        foreach (int n in rows)
            if (n < 0 || n >= Neurons) throw new ArgumentOutOfRangeException(nameof(keep), $"prune neurons: neuron {n} is outside [0, {Neurons})");
        if (rows.Distinct().Count() != rows.Count) throw new ArgumentException($"prune neurons: neurons repeat in [{string.Join(", ", rows)}]");
        rows.Sort();
        if (rows.Count == Neurons) return;
        Fc1.KeepOutputs(rows);
        Fc2.KeepInputs(rows);
    }

    /// <summary>
    /// The parameters the FFN holds beyond its neurons: fc2's bias (d), which no neuron owns and which only removing the
    /// whole FFN removes, and in a pre-LN layer the FFN's input norm (2 d); 0 once removed.
    /// </summary>
    public long OwnParameters => BranchRemoved ? 0 : (Fc2.Bias?.Count ?? 0) + (InputNorm?.Parameters ?? 0);

    /// <summary>
    /// Removes the whole FFN: every neuron, fc2's bias and a pre-LN input norm go (the parameter count drops by
    /// <see cref="BranchParameters"/>) and the layer skips the branch.
    /// </summary>
    public void RemoveBranch()
    {
        PruneNeurons([]);
        Fc2.RemoveBias();
        InputNorm?.Remove();
        BranchRemoved = true;
    }
}
