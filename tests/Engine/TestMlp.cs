using NativeDsp.Engine;

namespace NativeDsp.Tests.Engine;

/// <summary>A linear layer for the engine tests (the model project has the real one).</summary>
public sealed class TestLinear : Module
{
    public TestLinear(Device device, int inFeatures, int outFeatures, Rng rng)
    {
        Weight = RegisterParameter("weight", new Parameter(device, new Shape(outFeatures, inFeatures)));
        Bias = RegisterParameter("bias", new Parameter(device, new Shape(outFeatures)));
        Init.XavierUniform(Weight, rng);
    }

    public Parameter Weight { get; }
    public Parameter Bias { get; }

    public Tensor Forward(Tensor x) => Ops.Linear(x, Weight, Bias);
}

/// <summary>A tanh MLP with optional dropout between layers: enough to train XOR and two moons.</summary>
public sealed class TestMlp : Module
{
    readonly ModuleList<TestLinear> layers;
    readonly Rng dropoutRng;
    readonly float dropout;

    public TestMlp(Device device, int[] sizes, ulong seed, float dropout = 0f)
    {
        var rng = new Rng(seed);
        layers = RegisterModule("layers", new ModuleList<TestLinear>());
        for (int i = 0; i + 1 < sizes.Length; i++) layers.Add(new TestLinear(device, sizes[i], sizes[i + 1], rng));
        dropoutRng = rng.Fork(1);
        this.dropout = dropout;
    }

    public RngState DropoutState { get => dropoutRng.State; set => dropoutRng.Restore(value); }

    public Tensor Forward(Tensor x)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            x = layers[i].Forward(x);
            if (i + 1 < layers.Count)
            {
                x = Ops.Tanh(x);
                if (Training && dropout > 0f) x = Ops.Dropout(x, dropout, dropoutRng);
            }
        }
        return x;
    }
}

/// <summary>Small classification data sets, generated from a seed.</summary>
public static class ToyData
{
    public static (float[] X, int[] Y) Xor() => ([0, 0, 0, 1, 1, 0, 1, 1], [0, 1, 1, 0]);

    /// <summary>scikit-learn's make_moons: two interleaved half circles with Gaussian noise.</summary>
    public static (float[] X, int[] Y) TwoMoons(int n, float noise, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[2 * n];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % 2;
            float t = MathF.PI * rng.NextUniform();
            float px = label == 0 ? MathF.Cos(t) : 1f - MathF.Cos(t);
            float py = label == 0 ? MathF.Sin(t) : 0.5f - MathF.Sin(t);
            x[2 * i] = px + noise * rng.NextNormal();
            x[2 * i + 1] = py + noise * rng.NextNormal();
            y[i] = label;
        }
        return (x, y);
    }
}
