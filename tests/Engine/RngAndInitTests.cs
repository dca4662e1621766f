using NativeDsp.Engine;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Tests.Engine;

/// <summary>The seeded RNG (state = seed + offset) and the initialisers built on it.</summary>
public sealed class RngAndInitTests : IDisposable
{
    readonly Device device = new(TestBackends.Host);

    [Fact]
    public void RestoredState_ReplaysTheSameDraws()
    {
        var rng = new Rng(42);
        for (int i = 0; i < 10; i++) rng.NextUniform();
        var state = rng.State;
        var first = Enumerable.Range(0, 20).Select(_ => rng.NextNormal()).ToArray();
        var again = new Rng(state);
        Assert.Equal(first, Enumerable.Range(0, 20).Select(_ => again.NextNormal()));
        Assert.Equal(new RngState(42, 30), rng.State);
    }

    [Fact]
    public void Draws_AreThePhiloxValuesAtTheOffset()
    {
        var rng = new Rng(7, offset: 100);
        Assert.Equal(Philox.Uniform(7, 100), rng.NextUniform());
        Assert.Equal(101UL, rng.Reserve(5));
        Assert.Equal(106UL, rng.Offset);
    }

    [Fact]
    public void Forks_AreIndependentStreams()
    {
        var rng = new Rng(1);
        var a = rng.Fork(1);
        var b = rng.Fork(2);
        Assert.NotEqual(a.Seed, b.Seed);
        Assert.Equal(a.Seed, new Rng(1).Fork(1).Seed);
        Assert.NotEqual(Enumerable.Range(0, 8).Select(_ => a.NextUniform()), Enumerable.Range(0, 8).Select(_ => b.NextUniform()));
    }

    [Fact]
    public void NextInt_And_Permutation_CoverTheRange()
    {
        var rng = new Rng(3);
        var counts = new int[5];
        for (int i = 0; i < 5000; i++) counts[rng.NextInt(5)]++;
        // 1000 expected per bucket, standard deviation ~28: 850..1150 is more than 5 sigma.
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
        var p = rng.Permutation(50);
        Assert.Equal(Enumerable.Range(0, 50), p.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), p);
    }

    [Fact]
    public void XavierUniform_StaysInBounds_AndFillsThem()
    {
        using var w = new Parameter(device, new Shape(64, 32));
        Init.XavierUniform(w, new Rng(5));
        float a = MathF.Sqrt(6f / (32 + 64));
        var v = w.ToArray();
        Assert.All(v, x => Assert.InRange(x, -a, a));
        Assert.True(v.Max() > 0.9f * a && v.Min() < -0.9f * a);
        // Uniform on [-a, a] has variance a^2/3; 2048 draws estimate it to within a few percent.
        double variance = v.Select(x => (double)x * x).Average();
        Assert.InRange(variance, 0.9 * a * a / 3, 1.1 * a * a / 3);
    }

    [Fact]
    public void XavierNormal_And_Normal_HaveTheRequestedSpread()
    {
        using var w = new Parameter(device, new Shape(64, 32));
        Init.XavierNormal(w, new Rng(5));
        double std = Math.Sqrt(w.ToArray().Select(x => (double)x * x).Average());
        Assert.InRange(std, 0.95 * Math.Sqrt(2.0 / 96), 1.05 * Math.Sqrt(2.0 / 96));
        Init.Normal(w, new Rng(6), std: 0.02f, mean: 1f);
        Assert.InRange(w.ToArray().Average(), 0.998, 1.002);
    }

    [Fact]
    public void SameSeed_SameInit_ConstantsAndExplicitFans()
    {
        using var a = new Parameter(device, new Shape(4, 3));
        using var b = new Parameter(device, new Shape(4, 3));
        Init.XavierUniform(a, new Rng(9));
        Init.XavierUniform(b, new Rng(9));
        Assert.Equal(a.ToArray(), b.ToArray());
        Init.Ones(a);
        Assert.All(a.ToArray(), x => Assert.Equal(1f, x));
        using var logits = new Parameter(device, new Shape(12));
        Assert.Throws<ArgumentException>(() => Init.XavierUniform(logits, new Rng(1)));
        Init.XavierUniform(logits, new Rng(1), fans: (12, 1));
        Assert.All(logits.ToArray(), x => Assert.InRange(x, -MathF.Sqrt(6f / 13), MathF.Sqrt(6f / 13)));
    }

    public void Dispose() => device.Dispose();
}
