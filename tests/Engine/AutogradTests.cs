using NativeDsp.Engine;

namespace NativeDsp.Tests.Engine;

/// <summary>The tape's semantics: shared inputs, accumulation, NoGrad, released graphs, scopes and ownership.</summary>
public sealed class AutogradTests : IDisposable
{
    readonly Device device = new(TestBackends.Host);
    readonly List<IDisposable> owned = [];

    Tensor Leaf(float[] data, params int[] dims)
    {
        var t = Tensor.FromArray(device, data, dims);
        t.RequiresGrad = true;
        owned.Add(t);
        return t;
    }

    // Exact products and sums of small binary fractions: float32 results here are exact, so equality is fair.
    static readonly float[] X = [0.5f, -1.5f, 2f, 0.25f];

    [Fact]
    public void TensorUsedTwice_AccumulatesBothPaths()
    {
        var x = Leaf(X, 4);
        var y = Ops.Sum(x * x + x);
        y.Backward();
        Assert.Equal(X.Select(v => 2 * v + 1), x.Grad!.ToArray());
    }

    [Fact]
    public void GradientsAccumulateOverBackwardCalls_UntilZeroGrad()
    {
        var x = Leaf(X, 4);
        Ops.Sum(x * x).Backward();
        var once = x.Grad!.ToArray();
        Ops.Sum(x * x).Backward();
        Assert.Equal(once.Select(g => 2 * g), x.Grad!.ToArray());
        x.ZeroGrad();
        Assert.All(x.Grad!.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void RetainedGraph_SecondBackwardAddsTheSameAmount_NotMore()
    {
        // Intermediates (x*w, tanh) must not carry their gradient from the first pass into the second.
        var x = Leaf(X, 4);
        var w = Leaf([1f, 2f, -1f, 0.5f], 4);
        var loss = Ops.Sum(Ops.Tanh(x * w));
        loss.Backward(retainGraph: true);
        var once = x.Grad!.ToArray();
        loss.Backward();
        var twice = x.Grad!.ToArray();
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 1e-6f);
    }

    [Fact]
    public void SecondBackwardThroughReleasedGraph_Throws()
    {
        var x = Leaf(X, 4);
        var loss = Ops.Sum(x * x);
        loss.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("already released", e.Message);
        Assert.Contains("sum", e.Message);
    }

    [Fact]
    public void BackwardThroughPartlyReleasedGraph_Throws()
    {
        // h's node was released by the first backward; a new loss built on h cannot reach x any more.
        var x = Leaf(X, 4);
        var h = x * x;
        Ops.Sum(h).Backward();
        var e = Assert.Throws<InvalidOperationException>(() => Ops.Sum(h + h).Backward());
        Assert.Contains("'mul'", e.Message);
    }

    [Fact]
    public void BackwardAfterTapeReset_Throws()
    {
        var x = Leaf(X, 4);
        var loss = Ops.Sum(x * x);
        device.Tape.Reset();
        var e = Assert.Throws<ObjectDisposedException>(() => loss.Backward());
        Assert.Contains("tape reset", e.Message);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void NoGrad_RecordsNothing()
    {
        var x = Leaf(X, 4);
        int before = device.Tape.NodeCount;
        Tensor y;
        using (NoGrad.Scope()) y = Ops.Sum(Ops.Tanh(x * x));
        Assert.Equal(before, device.Tape.NodeCount);
        Assert.False(y.RequiresGrad);
        Assert.Null(y.Node);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.True(NoGrad.IsGradEnabled);
    }

    [Fact]
    public void Detach_StopsTheGradient_And_FrozenLeavesGetNone()
    {
        var x = Leaf(X, 4);
        var frozen = Leaf([1f, 1f, 1f, 1f], 4);
        frozen.RequiresGrad = false;
        Ops.Sum(x * x.Detach() + frozen).Backward();
        Assert.Equal(X, x.Grad!.ToArray()); // d(x * c)/dx = c = x's values
        Assert.Null(frozen.Grad);
    }

    [Fact]
    public void IntermediatesDoNotKeepGradients()
    {
        var x = Leaf(X, 4);
        var h = Ops.Tanh(x);
        Ops.Sum(h).Backward();
        Assert.Null(h.Grad);
        Assert.NotNull(x.Grad);
    }

    [Fact]
    public void Reset_FreesOpOutputs_ButNotKeptOrCallerOwnedTensors()
    {
        long baseline = device.LiveBuffers;
        var x = Leaf(X, 4);
        var temp = x * x;
        var kept = (x + x).Keep();
        device.Tape.Reset();
        Assert.True(temp.IsDisposed);
        Assert.False(kept.IsDisposed);
        Assert.False(x.IsDisposed);
        Assert.Equal(0, device.Tape.NodeCount);
        var e = Assert.Throws<ObjectDisposedException>(() => temp.ToArray());
        Assert.Contains("[4]", e.Message);
        Assert.Equal(X.Select(v => 2 * v), kept.ToArray());
        kept.Dispose();
        x.Dispose();
        Assert.Equal(baseline, device.LiveBuffers);
    }

    [Fact]
    public void Scopes_Nest_AndFreeOnlyWhatTheyCreated()
    {
        var x = Leaf(X, 4);
        using var outer = device.Scope();
        var a = x * x;
        Tensor b;
        using (device.Scope()) b = a + x;
        Assert.True(b.IsDisposed);
        Assert.False(a.IsDisposed);
        Assert.Equal(1, device.Tape.NodeCount);
    }

    [Fact]
    public void Reshape_SharesStorage_AndGradientFlowsBack()
    {
        var x = Leaf(X, 2, 2);
        var flat = x.Reshape(-1);
        Assert.Equal(new Shape(4), flat.Shape);
        Assert.Same(x.Buffer, flat.Buffer);
        Ops.Sum(flat * flat).Backward();
        Assert.Equal(X.Select(v => 2 * v), x.Grad!.ToArray());
    }

    [Fact]
    public void BackwardOnNonScalar_NeedsAGradient()
    {
        var x = Leaf(X, 4);
        var e = Assert.Throws<InvalidOperationException>(() => (x * x).Backward());
        Assert.Contains("[4]", e.Message);
    }

    public void Dispose()
    {
        device.Tape.Reset();
        foreach (var o in owned) o.Dispose();
    }
}
