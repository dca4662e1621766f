using NativeDsp.Engine;
using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Pruning.Methods;

/// <summary>
/// Spectral normalisation of one <see cref="Linear"/> layer's weight (Miyato et al. 2018, "Spectral Normalization for
/// Generative Adversarial Networks"), as PyTorch's <c>torch.nn.utils.spectral_norm</c> computes it: the layer uses
/// W / sigma with sigma = u^T W v, where u [out] and v [in] are estimates of W's top singular vectors kept from step
/// to step and refined by power iteration (v = normalize(W^T u), u = normalize(W v)) once per training step. u and v
/// are constants of the step: the gradient flows through sigma's dependence on W only (dsigma/dW = u v^T), as in
/// PyTorch. It is installed through <see cref="Linear.WeightTransform"/> (<see cref="Install"/>) and folded back into
/// W with <see cref="Fold"/> (PyTorch's <c>remove_spectral_norm</c>).
/// <para>
/// Choices: u and v start as normalised Gaussian vectors from a seed and get <see cref="InitialIterations"/> power
/// iterations at install (PyTorch's parametrised spectral_norm runs 15 there; the older hook runs none); normalize
/// divides by max(norm, 1e-12) as PyTorch's. sigma gets 1e-12 added before the division: below half a float32 ulp of
/// any sigma above 1e-5, so the result equals W / sigma there, and an all-zero W (a planted dead module) stays 0
/// instead of 0 / 0. With <see cref="NormBound"/> c set, the layer uses W c / sigma only when sigma &gt; c and W
/// otherwise (the bounded variant of Liu et al. 2020's SNGP, which SNIP's authors share); unset, always W / sigma.
/// </para>
/// </summary>
public sealed class SpectralNorm
{
    /// <summary>PyTorch's normalize eps and our guard on sigma.</summary>
    public const float Epsilon = 1e-12f;

    readonly float[] u, v;
    readonly Func<Tensor, Tensor> transform;

    /// <summary>Spectral normalisation of <paramref name="layer"/> with u, v drawn from <paramref name="seed"/>; not yet installed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The norm bound is not finite and positive, or the iteration count is negative.</exception>
    /// <param name="layer">The layer whose weight is normalised.</param>
    /// <param name="seed">Seed of u and v.</param>
    /// <param name="initialIterations">Power iterations run by <see cref="Install"/>.</param>
    /// <param name="normBound">The bound c (W c / sigma when sigma &gt; c), or null.</param>
    /// <param name="boundAtInstall">
    /// With no <paramref name="normBound"/>: the bound is the layer's own sigma when <see cref="Install"/> runs, so the
    /// layer computes exactly what it computed before (a pretrained model keeps its function) and its spectral norm
    /// cannot grow beyond that during fine-tuning.
    /// </param>
    public SpectralNorm(Linear layer, ulong seed, int initialIterations = 15, float? normBound = null, bool boundAtInstall = false)
    {
        if (normBound is { } c && !(c > 0 && float.IsFinite(c))) throw new ArgumentOutOfRangeException(nameof(normBound), c, "spectral norm: the norm bound must be finite and > 0");
        if (initialIterations < 0) throw new ArgumentOutOfRangeException(nameof(initialIterations), initialIterations, "spectral norm: the initial power iterations must be >= 0");
        Layer = layer;
        NormBound = normBound;
        BoundAtInstall = boundAtInstall && normBound is null;
        InitialIterations = initialIterations;
        var rng = new System.Random(unchecked((int)(seed ^ (seed >> 32))));
        u = Normalized(Gaussian(rng, layer.OutFeatures));
        v = Normalized(Gaussian(rng, layer.InFeatures));
        transform = Apply;
    }

    /// <summary>The layer whose weight is normalised.</summary>
    public Linear Layer { get; }
    /// <summary>The bound c of W c / max(sigma, c), or null for plain W / sigma.</summary>
    public float? NormBound { get; private set; }

    /// <summary>True when <see cref="NormBound"/> is set to the layer's sigma at <see cref="Install"/>.</summary>
    public bool BoundAtInstall { get; }
    /// <summary>Power iterations run by <see cref="Install"/>.</summary>
    public int InitialIterations { get; }

    /// <summary>The current estimate of W's largest singular value, u^T W v (host copy after the last power iteration).</summary>
    public float Sigma { get; private set; } = float.NaN;

    /// <summary>The left singular vector estimate [out] (a copy).</summary>
    public float[] U => (float[])u.Clone();
    /// <summary>The right singular vector estimate [in] (a copy).</summary>
    public float[] V => (float[])v.Clone();

    /// <summary>True while the layer's forward uses the normalised weight.</summary>
    public bool Installed => ReferenceEquals(Layer.WeightTransform, transform);

    /// <summary>Runs the initial power iterations and sets the layer's weight transform to <see cref="Apply"/>.</summary>
    /// <exception cref="InvalidOperationException">The layer already has a weight transform.</exception>
    public void Install()
    {
        if (Layer.WeightTransform is not null) throw new InvalidOperationException("spectral norm: the layer already has a weight transform");
        PowerIteration(InitialIterations);
        if (BoundAtInstall && Sigma > 0 && float.IsFinite(Sigma)) NormBound = Sigma;
        Layer.WeightTransform = transform;
    }

    /// <summary>
    /// <paramref name="iterations"/> power iterations on the current W (no gradient; two small host round trips each),
    /// then sigma = u^T W v. Call once per training step before the forward pass, as PyTorch's training-mode hook does.
    /// </summary>
    public void PowerIteration(int iterations = 1)
    {
        var w = Layer.Weight;
        var device = w.Device;
        using var noGrad = NoGrad.Scope();
        using var scope = device.Scope();
        for (int i = 0; i < iterations; i++)
        {
            using (var uRow = Tensor.FromArray(device, u, 1, u.Length))
                Array.Copy(Normalized(Ops.MatMul(uRow, w).ToArray()), v, v.Length); // W^T u as u^T W
            using (var vRow = Tensor.FromArray(device, v, 1, v.Length))
            {
                var wv = Ops.Linear(vRow, w).ToArray();
                Array.Copy(Normalized(wv), u, u.Length);
            }
        }
        using var uT = Tensor.FromArray(device, u, 1, u.Length);
        using var vT = Tensor.FromArray(device, v, 1, v.Length);
        Sigma = Ops.Sum(Ops.Mul(Ops.Linear(vT, w), uT)).Item();
    }

    /// <summary>
    /// The normalised weight of <paramref name="w"/> [out, in]: w / (u^T w v + 1e-12) with u, v constants (or the bounded
    /// form), differentiable in w. Tape-owned.
    /// </summary>
    /// <exception cref="ArgumentException">w is not [out, in] of the layer.</exception>
    public Tensor Apply(Tensor w)
    {
        if (w.Shape.Rank != 2 || w.Shape[0] != u.Length || w.Shape[1] != v.Length)
            throw new ArgumentException($"spectral norm: the weight must be [{u.Length}, {v.Length}], got {w.Shape} (the layer was pruned after install; fold first)");
        if (NormBound is { } c && !(Sigma > c)) return w;
        var tape = w.Device.Tape;
        var uRow = tape.Own(Tensor.FromArray(w.Device, u, 1, u.Length));
        var vRow = tape.Own(Tensor.FromArray(w.Device, v, 1, v.Length));
        var sigma = Ops.AddScalar(Ops.Sum(Ops.Mul(Ops.Linear(vRow, w), uRow)), Epsilon);
        return NormBound is { } bound ? Ops.Div(Ops.Scale(w, bound), sigma) : Ops.Div(w, sigma);
    }

    /// <summary>Writes the normalised weight into W and removes the transform: the layer then computes what it computed with it.</summary>
    public void Fold()
    {
        if (!Installed) return;
        var w = Layer.Weight;
        float[] folded;
        using (NoGrad.Scope())
        using (w.Device.Scope()) folded = Apply(w).ToArray();
        Layer.WeightTransform = null;
        w.CopyFrom(folded);
    }

    /// <summary>Removes the transform without changing W.</summary>
    public void Remove()
    {
        if (Installed) Layer.WeightTransform = null;
    }

    static float[] Gaussian(System.Random rng, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return x;
    }

    static float[] Normalized(float[] x)
    {
        double n = Math.Sqrt(x.Sum(a => (double)a * a));
        double s = 1 / Math.Max(n, Epsilon);
        return x.Select(a => (float)(a * s)).ToArray();
    }
}
