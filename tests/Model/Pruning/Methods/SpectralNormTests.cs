using NativeDsp.Engine;
using NativeDsp.Model.Layers;
using NativeDsp.Model.Pruning.Methods;
using NativeDsp.Model.Pruning.Units;
using NativeDsp.Model.Transformer;
using static NativeDsp.Tests.Model.ModelTestKit;

namespace NativeDsp.Tests.Model.Pruning.Methods;

/// <summary>Spectral normalisation (SNIP's reparametrisation) and the model hooks it and SNIP's observer use.</summary>
public class SpectralNormTests
{
    static Linear RandomLinear(Device device, int inF, int outF, int seed)
    {
        var layer = new Linear(device, inF, outF);
        layer.Weight.CopyFrom(RandomFloats(inF * outF, seed));
        layer.Bias!.CopyFrom(RandomFloats(outF, seed + 1));
        return layer;
    }

    /// <summary>L(W) = sum R (.) W / (u^T W v + eps) in double, u and v fixed.</summary>
    static double Reference(double[] w, float[] r, float[] u, float[] v, float? bound, double sigmaHost)
    {
        int outF = u.Length, inF = v.Length;
        double sigma = 0, dot = 0;
        for (int i = 0; i < outF; i++)
            for (int j = 0; j < inF; j++)
            {
                sigma += u[i] * w[i * inF + j] * v[j];
                dot += r[i * inF + j] * w[i * inF + j];
            }
        if (bound is { } c) return sigmaHost > c ? dot * c / (sigma + SpectralNorm.Epsilon) : dot;
        return dot / (sigma + SpectralNorm.Epsilon);
    }

    /// <summary>
    /// Bounded at the layer's own sigma when installed (SNIP's default on a pretrained model): the layer computes exactly
    /// what it did (bit for bit), and once its weights grow it is scaled back to that spectral norm.
    /// </summary>
    [Fact]
    public void BoundAtInstallKeepsThePretrainedFunction()
    {
        using var device = HostDevice();
        using var layer = RandomLinear(device, 7, 5, 11);
        var x = RandomFloats(3 * 7, 12);
        float[] Output()
        {
            using var scope = device.Scope();
            using var xT = Tensor.FromArray(device, x, 3, 7);
            return layer.Forward(xT).ToArray();
        }
        var before = Output();
        var sn = new SpectralNorm(layer, seed: 5, initialIterations: 30, boundAtInstall: true);
        sn.Install();
        Assert.Equal(sn.Sigma, sn.NormBound);
        Assert.Equal(before, Output());
        // Doubling W doubles sigma; bounded at sigma_0 the layer's weight is W sigma_0 / sigma = the original W.
        float sigma0 = sn.Sigma;
        layer.Weight.CopyFrom(layer.Weight.ToArray().Select(w => 2 * w).ToArray());
        sn.PowerIteration(30);
        Assert.Equal(2 * sigma0, sn.Sigma, 2 * sigma0 * 1e-4);
        var bias = layer.Bias!.ToArray();
        var got = Output();
        AssertClose(before, got, 1e-5, "bounded layer after its weights doubled");
        // Plain W / sigma would have changed the function by 1 / sigma_0.
        Assert.True(Math.Abs(sigma0 - 1) > 0.1, "the case cannot tell bounded from plain normalisation");
    }

    public static TheoryData<float?> Bounds => new() { null, 0.5f, 100f };

    /// <summary>
    /// The gradient through sigma (u, v fixed, as PyTorch) against central differences of the double-precision
    /// function: h = 1e-5 leaves a truncation error ~h^2 * L''' ~ 1e-10 and a rounding error ~1e-16 / h ~ 1e-11, so the
    /// difference is the float32 autograd's own error, ~1e-7 relative per op over a few ops on O(1) values: 1e-4 absolute.
    /// </summary>
    [Theory, MemberData(nameof(Bounds))]
    public void GradientThroughSigmaMatchesFiniteDifferences(float? bound)
    {
        using var device = HostDevice();
        using var layer = RandomLinear(device, 7, 5, 1);
        var sn = new SpectralNorm(layer, seed: 3, initialIterations: 2, normBound: bound);
        sn.Install();
        var r = RandomFloats(35, 4);
        float[] grad;
        using (device.Scope())
        {
            using var rT = Tensor.FromArray(device, r, 5, 7);
            var loss = Ops.Sum(Ops.Mul(layer.WeightTransform!(layer.Weight), rT));
            var w0 = layer.Weight.ToArray().Select(x => (double)x).ToArray();
            Assert.Equal(Reference(w0, r, sn.U, sn.V, bound, sn.Sigma), loss.Item(), 1e-5);
            loss.Backward();
            grad = layer.Weight.Grad!.ToArray();
        }
        var w = layer.Weight.ToArray().Select(x => (double)x).ToArray();
        var fd = new float[w.Length];
        const double h = 1e-5;
        for (int i = 0; i < w.Length; i++)
        {
            double keep = w[i];
            w[i] = keep + h;
            double up = Reference(w, r, sn.U, sn.V, bound, sn.Sigma);
            w[i] = keep - h;
            double down = Reference(w, r, sn.U, sn.V, bound, sn.Sigma);
            w[i] = keep;
            fd[i] = (float)((up - down) / (2 * h));
        }
        AssertClose(fd, grad, 1e-4, $"spectral norm gradient, bound {bound}");
        if (bound == 100f) AssertClose(r, grad, 0, "below the bound the weight is used as it is");
    }

    /// <summary>Power iteration finds the largest singular value (double-precision reference: 2,000 iterations on W^T W); W / sigma then has norm 1.</summary>
    [Fact]
    public void PowerIterationFindsTheSpectralNorm()
    {
        using var device = HostDevice();
        using var layer = RandomLinear(device, 9, 6, 7);
        var w = layer.Weight.ToArray();
        var x = Enumerable.Repeat(1.0, 9).ToArray();
        double lambda = 0;
        for (int it = 0; it < 2000; it++)
        {
            var y = new double[6];
            for (int i = 0; i < 6; i++) for (int j = 0; j < 9; j++) y[i] += w[i * 9 + j] * x[j];
            var z = new double[9];
            for (int i = 0; i < 6; i++) for (int j = 0; j < 9; j++) z[j] += w[i * 9 + j] * y[i];
            lambda = Math.Sqrt(z.Sum(a => a * a));
            x = z.Select(a => a / lambda).ToArray();
        }
        double top = Math.Sqrt(lambda);
        var sn = new SpectralNorm(layer, seed: 1, initialIterations: 200);
        sn.Install();
        Assert.Equal(top, sn.Sigma, 1e-4 * top);
        sn.Fold();
        Assert.Null(layer.WeightTransform);
        var again = new SpectralNorm(layer, seed: 2, initialIterations: 200);
        again.Install();
        Assert.Equal(1.0, again.Sigma, 1e-4);
        again.Remove();
    }

    static NliClassifier Tiny(Device device, ulong seed) => new(device, new NliClassifierConfig
    {
        Layers = 2, DModel = 16, Heads = 4, Ffn = 24, Vocab = 23, MaxPositions = 16, Dropout = 0f, Seed = seed, Init = InitScheme.Fairseq, PreNorm = seed % 2 == 0,
    });

    static float[] Logits(NliClassifier model, int[] ids, UnitGates gates)
    {
        using var scope = model.Device.Scope();
        return model.Forward(ids, null, 2, ids.Length / 2, gates).ToArray();
    }

    /// <summary>The hooks off change nothing, bit for bit: no weight transform (installed then removed), an observer that reads every branch.</summary>
    [Theory, InlineData(1UL), InlineData(2UL)]
    public void HooksOffOrObservingChangeNothingBitForBit(ulong seed)
    {
        using var device = HostDevice();
        using var model = Tiny(device, seed);
        model.Eval();
        var ids = RandomInts(14, 1, 23, new System.Random(5));
        ids[6] = 0;
        var before = Logits(model, ids, UnitGates.None);

        var units = UnitIndex.Build(model, UnitKinds.Heads | UnitKinds.Blocks);
        using (var snip = new SnipPruner(device, units, null, new SnipOptions { BoundAtPretrainedNorm = false }))
        {
            snip.InstallSpectralNorm(model);
            Assert.NotEqual(before, Logits(model, ids, UnitGates.None)); // plain W / sigma does change the function
        } // Dispose removes the transforms without folding
        foreach (var l in model.Encoder.Layers) Assert.Null(l.FeedForward.Fc1.WeightTransform);
        using (var snip = new SnipPruner(device, units, null)) // the default, bounded at each matrix's sigma_0, does not
        {
            snip.InstallSpectralNorm(model);
            Assert.Equal(before, Logits(model, ids, UnitGates.None));
        }
        foreach (var l in model.Encoder.Layers) Assert.Null(l.FeedForward.Fc1.WeightTransform);
        Assert.Equal(before, Logits(model, ids, UnitGates.None));

        var observer = new FunctionNormObserver(units);
        Assert.Equal(before, Logits(model, ids, new UnitGates { Observer = observer }));
        Assert.Equal(2 * 4 + 2 + 2, observer.Pending); // every head and both kinds of block were seen

        using var layer = RandomLinear(device, 4, 3, 9);
        using var scope = device.Scope();
        using var x = Tensor.FromArray(device, RandomFloats(8, 10), 2, 4);
        Assert.Equal(Ops.Linear(x, layer.Weight, layer.Bias).ToArray(), layer.Forward(x).ToArray());
    }

    /// <summary>Folding W / sigma into W leaves the function as it was with the transform (float rounding of one division: 1e-5).</summary>
    [Fact]
    public void FoldingKeepsTheNormalisedFunction()
    {
        using var device = HostDevice();
        using var model = Tiny(device, 1);
        model.Eval();
        var ids = RandomInts(14, 1, 23, new System.Random(6));
        var units = UnitIndex.Build(model, UnitKinds.Heads);
        using var snip = new SnipPruner(device, units, null);
        snip.InstallSpectralNorm(model);
        var normalised = Logits(model, ids, UnitGates.None);
        snip.FoldSpectralNorm();
        Assert.Null(model.Encoder.Layers[0].SelfAttention.QProj.WeightTransform);
        AssertClose(normalised, Logits(model, ids, UnitGates.None), 1e-5, "folded");
    }
}
