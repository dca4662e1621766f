using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>
/// y = x W^T + b over the last axis, with W [out, in] (PyTorch's layout, so checkpoints map one to one)
/// and parameters named "weight" and "bias". Created zero-filled: <see cref="Transformer.ModelInit"/>
/// initialises a whole model from its seed.
/// </summary>
public sealed class Linear : Module
{
    /// <summary>W [outFeatures, inFeatures] and, with <paramref name="bias"/>, b [outFeatures], zero-filled.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    public Linear(Device device, int inFeatures, int outFeatures, bool bias = true)
    {
        if (inFeatures < 0 || outFeatures < 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), $"linear: sizes must be >= 0, got in {inFeatures}, out {outFeatures}");
        Device = device;
        Weight = RegisterParameter("weight", new Parameter(device, new Shape(outFeatures, inFeatures)));
        if (bias) Bias = RegisterParameter("bias", new Parameter(device, new Shape(outFeatures)));
    }

    /// <summary>The device holding the parameters.</summary>
    public Device Device { get; }
    /// <summary>W [out, in] (replaced by head pruning).</summary>
    public Parameter Weight { get; private set; }
    /// <summary>b [out], or null without bias.</summary>
    public Parameter? Bias { get; private set; }
    /// <summary>The input size.</summary>
    public int InFeatures => Weight.Shape[1];
    /// <summary>The output size.</summary>
    public int OutFeatures => Weight.Shape[0];

    /// <summary>
    /// An optional reparametrisation of W used by <see cref="Forward"/>: the layer computes x T(W)^T + b, with the
    /// gradient flowing through T into <see cref="Weight"/> (SNIP's spectral normalisation, W / sigma(W)). Null (the
    /// default) uses W itself: no op is added, so a layer without a transform computes exactly what it always did.
    /// T must return a tape-owned [out, in] tensor. Physical pruning (<see cref="KeepOutputs"/>, <see cref="KeepInputs"/>)
    /// acts on the raw W; whoever sets a transform folds it into W and removes it before pruning.
    /// </summary>
    public Func<Tensor, Tensor>? WeightTransform { get; set; }

    /// <summary>x W^T + b for x [..., in]: [..., out] (W through <see cref="WeightTransform"/> when one is set).</summary>
    /// <exception cref="ShapeException">x's last dimension is not InFeatures.</exception>
    public Tensor Forward(Tensor x) => Ops.Linear(x, WeightTransform is null ? Weight : WeightTransform(Weight), Bias);

    /// <summary>
    /// Keeps only the output features <paramref name="rows"/> (rows of W and entries of b), in that order:
    /// the physical removal of attention heads from the Q, K and V projections. Optimizer state for the old
    /// parameters is not carried over; build the optimizer after pruning.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A row is outside [0, OutFeatures).</exception>
    /// <exception cref="ArgumentException">Rows repeat.</exception>
    public void KeepOutputs(IReadOnlyList<int> rows)
    {
        CheckIndices("KeepOutputs", rows, OutFeatures);
        var w = Weight.ToArray();
        int inF = InFeatures;
        var newW = new float[rows.Count * inF];
        for (int r = 0; r < rows.Count; r++) Array.Copy(w, rows[r] * inF, newW, r * inF, inF);
        Weight = ReplaceParameter("weight", Parameter.FromArray(Device, "weight", newW, rows.Count, inF));
        if (Bias is not null)
        {
            var b = Bias.ToArray();
            Bias = ReplaceParameter("bias", Parameter.FromArray(Device, "bias", rows.Select(r => b[r]).ToArray(), rows.Count));
        }
    }

    /// <summary>Keeps only the input features <paramref name="cols"/> (columns of W): the output projection's side of head removal.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is outside [0, InFeatures).</exception>
    /// <exception cref="ArgumentException">Columns repeat.</exception>
    public void KeepInputs(IReadOnlyList<int> cols)
    {
        CheckIndices("KeepInputs", cols, InFeatures);
        var w = Weight.ToArray();
        int inF = InFeatures, outF = OutFeatures;
        var newW = new float[outF * cols.Count];
        for (int r = 0; r < outF; r++)
            for (int c = 0; c < cols.Count; c++) newW[r * cols.Count + c] = w[r * inF + cols[c]];
        Weight = ReplaceParameter("weight", Parameter.FromArray(Device, "weight", newW, outF, cols.Count));
    }

    /// <summary>
    /// Drops the bias (b = 0 from now on, and it no longer counts as a parameter): what a removed residual branch
    /// does with its output bias, which it no longer adds. Nothing happens when there is no bias.
    /// </summary>
    public void RemoveBias()
    {
        if (Bias is null) return;
        RemoveParameter("bias");
        Bias = null;
    }

    static void CheckIndices(string op, IReadOnlyList<int> indices, int size)
    {
        foreach (int i in indices)
            if (i < 0 || i >= size) throw new ArgumentOutOfRangeException(nameof(indices), $"linear {op}: index {i} is outside [0, {size})");
        if (indices.Distinct().Count() != indices.Count) throw new ArgumentException($"linear {op}: indices repeat: [{string.Join(", ", indices)}]");
    }
}
