using NativeDsp.Engine;
using NativeDsp.Model.Layers;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Model.Pruning.Methods;

/// <summary>
/// Measures each residual unit's function g (a head's share of its attention output, a whole attention module, a
/// whole FFN) on the tokens of a forward pass, relative to the input x: s_u = sum_t ||g_u(x_t)||^2 / sum_t ||x_t||^2
/// over the real tokens t (key mask 1). Head h's g is its context times its columns of out_proj (W_o after any
/// weight transform), so the heads of a module sum to the module's output minus out_proj's bias. Used by
/// <see cref="SnipPruner"/>: on the tape for the identity prior (<see cref="IdentityPrior"/>), and accumulated on the
/// host for the function norms that decide pruning (<see cref="Accumulate"/>, <see cref="FunctionNorms"/>).
/// The denominator is a constant (no gradient flows into x through it).
/// </summary>
public sealed class FunctionNormObserver : IBranchObserver
{
    readonly List<(int Unit, Tensor Branch, Tensor Input)> seen = [];
    readonly double[] branchSquares, inputSquares;

    /// <summary>An observer for the heads, attention blocks and FFN blocks of <paramref name="units"/> (other kinds are not watched).</summary>
    public FunctionNormObserver(UnitIndex units)
    {
        Units = units;
        branchSquares = new double[units.Count];
        inputSquares = new double[units.Count];
    }

    /// <summary>The units observed.</summary>
    public UnitIndex Units { get; }

    /// <summary>Observations of the current forward pass (tape tensors of its step).</summary>
    public int Pending => seen.Count;

    /// <summary>Forgets the current forward pass's observations (call at the start of a step).</summary>
    public void Clear() => seen.Clear();

    /// <summary>Records an attention or FFN block unit.</summary>
    public void Branch(IResidualBranch branch, Tensor input, Tensor output, Tensor? keyMask)
    {
        var kind = branch is MultiHeadAttention ? UnitKind.AttentionBlock : UnitKind.FfnBlock;
        if (!Units.Kinds.Has(kind)) return;
        seen.Add((Units.Range(kind).Offset + branch.BlockOffset, TokenSquares(output, keyMask), TokenSquares(input, keyMask).Detach()));
    }

    /// <summary>Records every head of <paramref name="attention"/>.</summary>
    public void HeadContexts(MultiHeadAttention attention, Tensor input, Tensor context, Tensor? keyMask)
    {
        if (!Units.Kinds.Has(UnitKind.Head)) return;
        var w = attention.OutProj.WeightTransform is { } t ? t(attention.OutProj.Weight) : attention.OutProj.Weight;
        var x2 = TokenSquares(input, keyMask).Detach();
        int b = context.Shape[0], heads = context.Shape[1], tq = context.Shape[2], d = context.Shape[3];
        for (int h = 0; h < heads; h++)
        {
            var ctx = Ops.Reshape(Ops.Slice(context, 1, h, 1), b, tq, d);
            var g = Ops.Linear(ctx, Ops.Slice(w, 1, h * d, d));
            seen.Add((Units.Range(UnitKind.Head).Offset + attention.HeadOffset + h, TokenSquares(g, keyMask), x2));
        }
    }

    /// <summary>sum over real tokens of ||y_t||^2 for y [B, T, d], a scalar on the tape.</summary>
    static Tensor TokenSquares(Tensor y, Tensor? keyMask)
    {
        var perToken = Ops.SumLast(Ops.Mul(y, y));
        return Ops.Sum(keyMask is null ? perToken : Ops.Mul(perToken, keyMask));
    }

    /// <summary>
    /// lambda sum_u sqrt(s_u) over this forward pass's observations: the identity prior, a Laplace (L1) penalty on every
    /// unit's relative function norm, whose pull toward g_u = 0 (the unit becomes the identity) stays constant however
    /// small g_u gets. The square root is taken to first order around the step's value c_u = sqrt(s_u) (read back once
    /// per step): value exactly lambda sum c_u, gradient lambda ds_u / (2 c_u), c_u floored at 1e-6 (a dead unit has
    /// ds_u = 0). Null when nothing was observed.
    /// </summary>
    public Tensor? IdentityPrior(double lambda)
    {
        if (seen.Count == 0 || lambda == 0) return null;
        var device = seen[0].Branch.Device;
        var ratios = Ops.Concat(0, seen.Select(o => Ops.Reshape(Ops.Div(o.Branch, o.Input), 1)).ToArray());
        var s = ratios.ToArray();
        var c = s.Select(v => Math.Max(Math.Sqrt(Math.Max(v, 0)), 1e-6)).ToArray();
        var slope = device.Tape.Own(Tensor.FromArray(device, c.Select(x => (float)(1 / (2 * x))).ToArray(), c.Length));
        var linear = Ops.Sum(Ops.Mul(ratios, slope));
        return Ops.Scale(Ops.AddScalar(linear, (float)c.Sum(v => v / 2)), (float)lambda);
    }

    /// <summary>Adds this forward pass's observations to the host totals (one read-back), then clears them.</summary>
    public void Accumulate()
    {
        if (seen.Count > 0)
        {
            var b = Ops.Concat(0, seen.Select(o => Ops.Reshape(o.Branch, 1)).ToArray()).ToArray();
            var x = Ops.Concat(0, seen.Select(o => Ops.Reshape(o.Input, 1)).ToArray()).ToArray();
            for (int i = 0; i < seen.Count; i++)
            {
                branchSquares[seen[i].Unit] += b[i];
                inputSquares[seen[i].Unit] += x[i];
            }
        }
        Clear();
    }

    /// <summary>The accumulated relative function norms sqrt(sum ||g_u||^2 / sum ||x||^2), [Units.Count]; NaN for a unit never observed.</summary>
    public double[] FunctionNorms() =>
        branchSquares.Select((g, u) => inputSquares[u] > 0 ? Math.Sqrt(g / inputSquares[u]) : double.NaN).ToArray();
}
