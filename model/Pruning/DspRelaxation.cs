using NativeDsp.Engine;
using NativeDsp.Kernels.Pruning;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Model.Pruning;

/// <summary>
/// The part of Differentiable Subset Pruning (Li, Cotterell &amp; Sachan 2021) that does not depend on what the
/// units are, shared by <see cref="DspPruner"/> (heads) and <see cref="Units.UnitDspPruner"/> (any units):
/// w initialised Xavier-uniform on a [1, N]-shaped tensor as the reference's nn.init.xavier_uniform_ (U(-a, a),
/// a = sqrt(6 / (1 + N))); the Gumbel noise of step t drawn as Philox(noise seed, t N + u), a pure function of the
/// step, so a resumed run redraws it; the annealed temperature; and the Gumbel-soft-top-K of a slice.
/// </summary>
public sealed class DspRelaxation
{
    readonly ulong noiseSeed;

    /// <summary>Validates <paramref name="options"/> and initialises <paramref name="logits"/> from its seed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The temperature schedule is invalid.</exception>
    public DspRelaxation(DspOptions options, Parameter logits)
    {
        Options = options;
        Options.Temperature.Validate();
        var root = new Rng(Options.Seed);
        noiseSeed = root.Fork(1).Seed;
        Init.XavierUniform(logits, root.Fork(0), fans: (logits.Count, 1));
    }

    /// <summary>The settings.</summary>
    public DspOptions Options { get; }

    /// <summary>tau at optimizer step <paramref name="step"/>.</summary>
    public double Temperature(long step) => Options.Temperature.Tau(step);

    /// <summary>Step <paramref name="step"/>'s standard Gumbel noise over <paramref name="count"/> units (tape-owned), or null without noise.</summary>
    public Tensor? Noise(Device device, int count, long step, bool withNoise) =>
        withNoise ? Engine.Noise.Gumbel(device, count, noiseSeed, checked((ulong)step * (ulong)count)) : null;

    /// <summary>
    /// The Gumbel-soft-top-K of each segment of <paramref name="logits"/> (+ <paramref name="noise"/>) with its K at
    /// step <paramref name="step"/>'s temperature, as one op (<see cref="Ops.SoftTopKSegments"/>: 0 for K = 0, 1 for
    /// K = all of the segment and outside every segment; independent segments relaxed in parallel on the Host).
    /// </summary>
    public Tensor Relax(Tensor logits, Tensor? noise, IReadOnlyList<BudgetSegment> segments, long step) =>
        Ops.SoftTopKSegments(logits, noise, segments.Select(s => new SoftTopKSegment(s.Offset, s.Count, s.K)).ToArray(), Temperature(step));
}
