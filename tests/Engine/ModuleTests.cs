using NativeDsp.Engine;

namespace NativeDsp.Tests.Engine;

/// <summary>Hierarchical names, state dicts, train/eval, parameter counts and shared parameters.</summary>
public sealed class ModuleTests : IDisposable
{
    readonly Device device = new(TestBackends.Host);

    sealed class Block : Module
    {
        public Block(Device d, Rng rng, Parameter? shared = null)
        {
            Q = RegisterModule("q", new TestLinear(d, 3, 4, rng));
            Norm = RegisterParameter("gamma", new Parameter(d, new Shape(4)));
            Shared = shared is null ? null : RegisterParameter("tied", shared);
            Positions = RegisterBuffer("positions", Tensor.Full(d, 0.5f, 2, 4));
        }

        public TestLinear Q { get; }
        public Parameter Norm { get; }
        public Parameter? Shared { get; }
        public Tensor Positions { get; }
        public void Shrink(Device d) => ReplaceParameter("gamma", new Parameter(d, new Shape(2)));
    }

    sealed class Net : Module
    {
        public Net(Device d, ulong seed)
        {
            var rng = new Rng(seed);
            Embedding = RegisterParameter("embedding", new Parameter(d, new Shape(5, 4)));
            Init.Normal(Embedding, rng, 0.02f);
            Layers = RegisterModule("layers", new ModuleList<Block>([new Block(d, rng), new Block(d, rng, Embedding)]));
        }

        public Parameter Embedding { get; }
        public ModuleList<Block> Layers { get; }
    }

    [Fact]
    public void NamesAreHierarchical_SharedParametersListedOnce()
    {
        using var net = new Net(device, 1);
        var names = net.NamedParameters().Select(p => p.Name).ToList();
        Assert.Equal(
        [
            "embedding",
            "layers.0.gamma", "layers.0.q.weight", "layers.0.q.bias",
            "layers.1.gamma", "layers.1.q.weight", "layers.1.q.bias",
        ], names);
        Assert.Equal(5 * 4 + 2 * (4 + 4 * 3 + 4), net.ParameterCount);
        Assert.Equal(["layers.0.positions", "layers.1.positions"], net.NamedBuffers().Select(b => b.Name));
    }

    [Fact]
    public void TrainEval_Propagates()
    {
        using var net = new Net(device, 1);
        net.Eval();
        Assert.All(net.NamedModules(), m => Assert.False(m.Module.Training));
        net.Train();
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.Training));
    }

    [Fact]
    public void StateDict_RoundTripsIntoAFreshModel()
    {
        using var a = new Net(device, 1);
        using var b = new Net(device, 2);
        Assert.NotEqual(a.Embedding.ToArray(), b.Embedding.ToArray());
        var state = a.StateDict();
        Assert.Equal(new Shape(4, 3), state["layers.1.q.weight"].Shape);
        Assert.True(state.ContainsKey("layers.0.positions"));
        b.LoadStateDict(state);
        foreach (var ((name, pa), (_, pb)) in a.NamedParameters().Zip(b.NamedParameters()))
            Assert.True(pa.ToArray().AsSpan().SequenceEqual(pb.ToArray()), name);
    }

    [Fact]
    public void LoadStateDict_ReportsMissingUnexpectedAndWrongShapes()
    {
        using var net = new Net(device, 1);
        var state = net.StateDict();
        state.Remove("layers.0.gamma");
        state["extra"] = new HostTensor(new Shape(1), [0f]);
        var e = Assert.Throws<KeyNotFoundException>(() => net.LoadStateDict(state));
        Assert.Contains("missing [layers.0.gamma]", e.Message);
        Assert.Contains("unexpected [extra]", e.Message);
        net.LoadStateDict(state, strict: false);

        var bad = net.StateDict();
        bad["embedding"] = new HostTensor(new Shape(4, 5), new float[20]);
        var shape = Assert.Throws<ShapeException>(() => net.LoadStateDict(bad));
        Assert.Contains("'embedding'", shape.Message);
        Assert.Contains("[5, 4] and [4, 5]", shape.Message);
    }

    [Fact]
    public void ReplaceParameter_SwapsAndFreesTheOldOne()
    {
        using var net = new Net(device, 1);
        var old = net.Layers[0].Norm;
        net.Layers[0].Shrink(device);
        Assert.True(old.IsDisposed);
        Assert.Equal(new Shape(2), net.NamedParameters().Single(p => p.Name == "layers.0.gamma").Parameter.Shape);
    }

    [Fact]
    public void Dispose_FreesEverything()
    {
        long before = device.LiveBuffers;
        var net = new Net(device, 1);
        Assert.True(device.LiveBuffers > before);
        net.Dispose();
        Assert.Equal(before, device.LiveBuffers);
    }

    public void Dispose() => device.Dispose();
}
