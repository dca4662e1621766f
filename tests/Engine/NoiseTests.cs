using NativeDsp.Engine;
using NativeDsp.Kernels.Pruning;
using NativeDsp.Kernels.Random;

namespace NativeDsp.Tests.Engine;

/// <summary>The engine's noise and row fills: the values of the counter-based draws, identical on both backends.</summary>
public sealed class NoiseTests
{
    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void NoiseIsTheCounterBasedDraw_OwnedByTheTape(string backend)
    {
        using var device = new Device(TestBackends.Get(backend));
        const ulong seed = 42, offset = 7 * 13;
        using (device.Scope())
        {
            int ownedBefore = device.Tape.OwnedCount;
            var g = Noise.Gumbel(device, 13, seed, offset).ToArray();
            var l = Noise.HardConcreteLogistic(device, 13, seed, offset).ToArray();
            Assert.Equal(ownedBefore + 2, device.Tape.OwnedCount);
            for (int i = 0; i < 13; i++)
            {
                // Same formula on host and device; 1e-5 relative allows a libm log differing in the last ulps.
                Assert.Equal(Philox.Gumbel(seed, offset + (ulong)i), g[i], 1e-5f * (1 + Math.Abs(g[i])));
                Assert.Equal((float)HardConcreteMath.LogisticNoise(seed, offset + (ulong)i), l[i], 1e-5f * (1 + Math.Abs(l[i])));
            }
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Noise.Gumbel(device, -1, seed, 0));
    }

    [Fact]
    public void ConstantRowSetsOneRowOnly()
    {
        using var device = new Device(TestBackends.Host);
        using var t = Tensor.FromArray(device, [1, 2, 3, 4, 5, 6], 3, 2);
        Init.ConstantRow(t, 1, 0f);
        Assert.Equal([1f, 2, 0, 0, 5, 6], t.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.ConstantRow(t, 3, 0f));
    }
}
